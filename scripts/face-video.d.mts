export const WIDTH: number;
export const HEIGHT: number;
export const FACES: { cx: number; cy: number; h: number }[];
export function makeFaceVideo(frames?: number): Promise<string>;
