import { FLAG_HIDE_LABELS, setSiteFlag } from "./flags";
setSiteFlag(FLAG_HIDE_LABELS);
