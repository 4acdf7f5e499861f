export interface FuzzValue { t: string; [key: string]: unknown }
export interface FuzzStep { op: string; arg?: FuzzValue; what?: string }
export interface FuzzCase { seed: number; steps: FuzzStep[] }
export function rng(seed: number): { next(): number; int(n: number): number; pick<T>(list: T[]): T; chance(p: number): boolean };
export function generateCase(seed: number): FuzzCase;
export function shrink(testCase: FuzzCase): Generator<FuzzCase>;
export function minimise(testCase: FuzzCase, stillFails: (c: FuzzCase) => Promise<boolean>, budget?: number): Promise<FuzzCase>;
