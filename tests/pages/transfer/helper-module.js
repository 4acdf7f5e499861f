export const helper = "module helper";
