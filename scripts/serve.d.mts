import type { Server } from "node:http";
export function startServer(roots: Record<string, string>, port?: number): Promise<Server>;
