import { FLAG_USER_CHOOSES, setSiteFlag } from "./flags";
setSiteFlag(FLAG_USER_CHOOSES);
