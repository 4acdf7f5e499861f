export function buildPack(dist: string): Promise<{ bytes: number; head: string; early: string[]; late: string[] }>;
export function writeKit(): Promise<void>;
