export const WIDTH: number;
export const HEIGHT: number;
export const FACES: { cx: number; cy: number; h: number }[];
export const OFF_CENTRE: { cx: number; cy: number; h: number }[];
export function makeFaceVideo(frames?: number, faces?: { cx: number; cy: number; h: number }[]): Promise<string>;
