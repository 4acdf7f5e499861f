import { FLAG_FRAME_FACE, setSiteFlag } from "./flags";
setSiteFlag(FLAG_FRAME_FACE);
