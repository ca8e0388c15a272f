/**
 * Parsers for the cgroup and /proc files the container's figures come from. Pure: text in, numbers
 * out; a malformed or missing value is null, never a guess.
 */

/** v1 writes "no limit" as a page-rounded LONG_MAX; anything this large is no limit. */
const NO_LIMIT_ABOVE = 2 ** 60;

export function parseNumber(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** A limit file (memory.max, pids.max, memory.limit_in_bytes): "max" or a huge v1 value is no limit. */
export function parseLimit(text: string | null): number | null {
  if (text === null || text.trim() === "max") return null;
  const n = parseNumber(text);
  return n !== null && n < NO_LIMIT_ABOVE ? n : null;
}

/** "key value" lines (memory.stat, memory.events, memory.oom_control, cpu.stat). */
export function parseKeyed(text: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (!k || v === undefined || !/^\d+$/.test(v)) continue;
    out.set(k, Number(v));
  }
  return out;
}

/**
 * Memory in use the way `docker stats` and the kernel's own pressure logic count it: usage minus
 * the inactive file cache (reclaimable at once). v1 names it total_inactive_file, v2 inactive_file.
 */
export function workingSet(usage: number | null, stat: Map<string, number>): number | null {
  if (usage === null) return null;
  const inactive = stat.get("total_inactive_file") ?? stat.get("inactive_file") ?? 0;
  return Math.max(0, usage - inactive);
}

/** /proc/net/dev: bytes received and sent on every interface except loopback. */
export function parseNetDev(text: string): { rxBytes: number; txBytes: number; interfaces: string[] } {
  let rxBytes = 0;
  let txBytes = 0;
  const interfaces: string[] = [];
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (!name || name === "lo" || f.length < 9 || f.some((n) => !Number.isFinite(n))) continue;
    interfaces.push(name);
    rxBytes += f[0]!;
    txBytes += f[8]!;
  }
  return { rxBytes, txBytes, interfaces };
}

/** CPU use between two counter readings, in percent of one core; null when not comparable. */
export function cpuPercentBetween(prev: { at: number; usageSeconds: number } | null, next: { at: number; usageSeconds: number }): number | null {
  if (!prev || next.at <= prev.at || next.usageSeconds < prev.usageSeconds) return null;
  return Math.round(((next.usageSeconds - prev.usageSeconds) / ((next.at - prev.at) / 1000)) * 1000) / 10;
}
