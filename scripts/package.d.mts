export function excluded(path: string): boolean;
export function packageFiles(dist: string): string[];
export function manifestReferences(manifest: unknown): string[];
export function fileReferences(path: string, text: string): string[];
export function missingFiles(files: Record<string, Uint8Array>): string[];
export function writePackage(dist: string, outDir: string): { file: string; size: number; files: string[] };
export function readPackage(file: string): Record<string, Uint8Array>;
