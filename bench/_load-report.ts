import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The load bench's outputs: docs/load.md (table) and docs/load-latency.svg (latency over time). */
/**
 * One second of the run. Per portal: portalLagMs its longest event-loop stall, inPortalMs its own
 * mean tRPC request time, poolWaiting its database clients waiting for a connection, gcMs its
 * garbage-collection pauses and majorGcs how many of its collections were major; dbQueryMs the
 * slowest `SELECT 1` of a separate probe process in the previous second and dbProbeLateMs how late
 * that process's own timer woke (bench/_load-dbprobe.ts); busiest the
 * machine's busy cores (with iowait and steal when present), then the two processes that used the
 * most CPU in that second (cores).
 */
export type SecondRow = {
  t: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  ideOpen: number;
  botsOnline: number;
  portalLagMs: number[];
  inPortalMs: number[];
  poolWaiting: number[];
  gcMs: number[];
  majorGcs: number[];
  dbQueryMs: number;
  dbProbeLateMs: number;
  busiest: string;
};

const perPortal = (v: number[]) => v.map((x) => (Number.isFinite(x) ? x.toFixed(0) : "-")).join(" / ");
const gcCell = (s: SecondRow) =>
  s.gcMs.map((ms, i) => (Number.isFinite(ms) ? `${ms.toFixed(0)}${(s.majorGcs[i] ?? 0) > 0 ? ` (${s.majorGcs[i]})` : ""}` : "-")).join(" / ");
export type MemoryRow = { process: string; peakMb: number; cpuCores?: number };

export function latencySvg(rows: SecondRow[], targetMs: number): string {
  const W = 720, H = 300, L = 50, R = 20, T = 20, B = 40;
  const lag = rows.map((r) => ({ lag: Math.max(0, ...r.portalLagMs.filter(Number.isFinite)) }));
  const maxY = Math.max(targetMs * 1.5, ...rows.map((r) => r.p99), ...lag.map((r) => r.lag)) || 1;
  const maxX = Math.max(1, rows.length - 1);
  const x = (i: number) => L + (i / maxX) * (W - L - R);
  const y = (v: number) => T + (1 - v / maxY) * (H - T - B);
  const line = <K extends string>(series: Array<Record<K, number>>, key: K) => series.map((r, i) => `${x(i).toFixed(1)},${y(r[key]).toFixed(1)}`).join(" ");
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxY);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#0b0f14"/>`,
    ...ticks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#27303a"/><text x="${L - 6}" y="${y(v) + 4}" fill="#9aa5b1" text-anchor="end">${v.toFixed(0)}</text>`),
    `<line x1="${L}" x2="${W - R}" y1="${y(targetMs)}" y2="${y(targetMs)}" stroke="#f87171" stroke-dasharray="4 4"/>`,
    `<text x="${W - R}" y="${y(targetMs) - 4}" fill="#f87171" text-anchor="end">p99 target ${targetMs} ms</text>`,
    `<polyline fill="none" stroke="#fbbf24" stroke-width="1" stroke-dasharray="2 3" points="${line(lag, "lag")}"/>`,
    `<polyline fill="none" stroke="#34d399" stroke-width="2" points="${line(rows, "p50")}"/>`,
    `<polyline fill="none" stroke="#60a5fa" stroke-width="2" points="${line(rows, "p99")}"/>`,
    `<text x="${L}" y="${H - 10}" fill="#9aa5b1">0 s</text><text x="${W - R}" y="${H - 10}" fill="#9aa5b1" text-anchor="end">${rows.length} s</text>`,
    `<text x="${L + 60}" y="${H - 10}" fill="#34d399">p50</text><text x="${L + 100}" y="${H - 10}" fill="#60a5fa">p99</text><text x="${L + 140}" y="${H - 10}" fill="#fbbf24">portal stall</text>`,
    `<text x="${(W + L) / 2}" y="${H - 10}" fill="#9aa5b1" text-anchor="middle">dashboard API latency (ms) per second of the run</text>`,
    `</svg>`,
  ].join("\n");
}

export function writeLoadReport(dir: string, r: {
  when: string;
  command: string;
  setup: string[];
  summary: Record<string, string | number>;
  seconds: SecondRow[];
  memory: MemoryRow[];
  targetMs: number;
}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "load-latency.svg"), latencySvg(r.seconds, r.targetMs));
  const md = [
    "# Load test: one small host",
    "",
    `Run on ${r.when} with \`${r.command}\` on this project's 2-core machine (load generator, nginx, two`,
    "portal instances, PostgreSQL, the containers and the bots all share the two cores).",
    "",
    ...r.setup.map((s) => `- ${s}`),
    "",
    "## Result",
    "",
    "| figure | value |",
    "|---|---|",
    ...Object.entries(r.summary).map(([k, v]) => `| ${k} | ${v} |`),
    "",
    "![Dashboard API latency per second](load-latency.svg)",
    "",
    "## Peak memory and CPU by process",
    "",
    "CPU is the average number of cores each used during the load (of the machine's 2).",
    "",
    "| process | peak RSS (MB) | CPU during the load (cores) |",
    "|---|---|---|",
    ...r.memory.map((m) => `| ${m.process} | ${m.peakMb} | ${m.cpuCores === undefined ? "-" : m.cpuCores.toFixed(2)} |`),
    "",
    "## Per second",
    "",
    "Per portal (a / b), from its own /metrics: stall = its longest event-loop delay in that second; in portal = its mean",
    "time for a tRPC request; pool waits = database clients waiting for a connection; GC = its garbage-collection pauses,",
    "with the number of major (full-heap) collections in brackets when there were any. DB probe: the slowest `SELECT 1` of",
    "a separate process that asks PostgreSQL every 20 ms, then how late that process's own timer woke (ms; the machine's",
    "share of a stall). Machine: the cores (of 2) busy in",
    "that second, with iowait and steal when there were any; busiest: the two processes that used the most CPU in it.",
    "",
    "| s | API requests | errors | p50 ms | p99 ms | stall ms | in portal ms | pool waits | GC ms | DB probe ms | machine; busiest (cores) | IDE sockets open | bots online |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...r.seconds.map((s) => `| ${s.t} | ${s.requests} | ${s.errors} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${perPortal(s.portalLagMs)} | ${perPortal(s.inPortalMs)} | ${perPortal(s.poolWaiting)} | ${gcCell(s)} | ${perPortal([s.dbQueryMs, s.dbProbeLateMs])} | ${s.busiest} | ${s.ideOpen} | ${s.botsOnline} |`),
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "load.md"), md);
}
