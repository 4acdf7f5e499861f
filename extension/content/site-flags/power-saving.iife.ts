import { FLAG_POWER_SAVING, setSiteFlag } from "./flags";
setSiteFlag(FLAG_POWER_SAVING);
