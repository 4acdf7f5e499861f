export function findChrome(): Promise<string>;
export function chromeArgs(options?: { extensionDir?: string; fakeUi?: boolean; extra?: string[] }): string[];
