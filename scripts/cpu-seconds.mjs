// CPU seconds (user + system) used so far by the processes of one browser, found by its profile
// directory on their command lines (/proc; Linux only). For the benchmarks.
import { readdirSync, readFileSync } from "node:fs";

export function cpuSeconds(profile) {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(profile)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch { /* gone */ }
  }
  return ticks / 100;
}
