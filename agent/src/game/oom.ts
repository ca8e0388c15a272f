import { detectLayout, readMemoryLimit, readOomKills } from "../container-stats/read";
import type { CgroupLayout } from "../container-stats/cgroup-layout";

/**
 * The container's memory cgroup, as the game's crash classification sees it: the OOM-kill counter
 * (v2 memory.events, v1 memory.oom_control) and the limit. A rise of the counter between spawn and
 * a SIGKILL exit means the kernel killed for memory. Found from the agent's own cgroup (the game
 * shares it), detected once.
 */
let layout: Promise<CgroupLayout | null> | null = null;
const ownLayout = () => (layout ??= detectLayout());

export async function oomKillCount(): Promise<number | null> {
  return readOomKills(await ownLayout());
}

export async function memoryLimitBytes(): Promise<number | null> {
  return readMemoryLimit(await ownLayout());
}
