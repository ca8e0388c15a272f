import { readFileSync, readdirSync } from "node:fs";

/**
 * Host pids of a container's agent, whatever the provider: the agent bundle (main.mjs) either runs
 * with the container's folder on its command line (unisolated) or inside the container's cgroup
 * (lxc: `lxc.payload.<name>` with the vmid in the name).
 */
export function agentPids(vmid: number): number[] {
  const pids: number[] = [];
  const inCgroup = new RegExp(`lxc\\.payload\\.[^/\\n]*\\b${vmid}\\b`);
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const args = readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
      if (!args.some((a) => a.endsWith("main.mjs"))) continue;
      const cg = readFileSync(`/proc/${d}/cgroup`, "utf8");
      if (args.join(" ").includes(`/containers/${vmid}/`) || inCgroup.test(cg)) pids.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

export function signalAll(pids: number[], sig: NodeJS.Signals): void {
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      // already gone
    }
  }
}
