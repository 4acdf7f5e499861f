export function buildPack(dist: string): Promise<{ bytes: number; hash: string; early: string[]; late: string[] }>;
export function writeKit(): Promise<void>;
