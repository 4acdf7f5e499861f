import { FLAG_BLUR_BACKGROUND, setSiteFlag } from "./flags";
setSiteFlag(FLAG_BLUR_BACKGROUND);
