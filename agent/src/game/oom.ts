import { readFileSync } from "node:fs";

/**
 * The container's OOM-kill counter (cgroup v2 memory.events, or v1 memory.oom_control), or null
 * where neither is readable. A rise between spawn and exit means the kernel killed for memory.
 */
export function oomKillCount(): number | null {
  for (const file of ["/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"]) {
    try {
      const m = /^oom_kill (\d+)$/m.exec(readFileSync(file, "utf8"));
      if (m) return Number(m[1]);
    } catch {
      // not this cgroup layout
    }
  }
  return null;
}
