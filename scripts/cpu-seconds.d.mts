export function cpuSeconds(profile: string): number;
