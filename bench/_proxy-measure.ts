import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";
import autocannon from "autocannon";
import WebSocket from "ws";

/**
 * What bench/proxy.ts measures with, apart from the run itself: its child processes (one role each,
 * bench/_proxy-procs.ts), HTTP load, WebSocket echo latency, and memory per idle WebSocket.
 */
const dir = path.dirname(new URL(import.meta.url).pathname);
const CONNECTIONS = 32;
const WS_ROUND_TRIPS = 3000;

export type Proc = { child: ChildProcess; lines: Interface; info: { port: number; cookie?: string; vmid?: number; url?: string; token?: string; maxFiles?: number } };
export const procs: ChildProcess[] = [];

function nextLine(lines: Interface, child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before answering`));
    child.once("exit", onExit);
    lines.once("line", (l) => {
      child.off("exit", onExit);
      resolve(l);
    });
  });
}

export async function start(role: string, ...args: string[]): Promise<Proc> {
  // Holding 10,000 spliced sessions takes two descriptors each: raise the limit where allowed.
  const child = spawn("/bin/sh", ["-c", 'ulimit -n 65536 2>/dev/null; exec "$@"', "sh", process.execPath, "--expose-gc", "--import", "tsx", path.join(dir, "_proxy-procs.ts"), role, ...args], {
    stdio: ["pipe", "pipe", "inherit"],
    env: process.env,
  });
  procs.push(child);
  const lines = createInterface({ input: child.stdout! });
  const info = JSON.parse(await nextLine(lines, child));
  return { child, lines, info };
}

type Memory = { rss: number; heapUsed: number; handles: number };
export async function memory(p: Proc, cmd: "mem" | "handles" = "mem"): Promise<Memory> {
  p.child.stdin!.write(`${cmd}\n`);
  return JSON.parse(await nextLine(p.lines, p.child)) as Memory;
}

export function stop(p: Proc): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) return resolve();
    p.child.once("exit", () => resolve());
    p.child.kill("SIGTERM");
  });
}

export type HttpFigures = { rps: number; p50: number; p99: number; errors: number };

export async function load(port: number, urlPath: string, headers: Record<string, string>, seconds: number): Promise<HttpFigures> {
  const r = await autocannon({ url: `http://127.0.0.1:${port}${urlPath}`, connections: CONNECTIONS, duration: seconds, headers });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function openWs(port: number, headers: Record<string, string>): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/echo-socket`, { headers: { ...headers, ...(headers.host ? { origin: `http://${headers.host}` } : {}) }, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return ws;
}

export async function wsLatency(port: number, headers: Record<string, string>): Promise<{ p50: number; p99: number }> {
  const ws = await openWs(port, headers);
  const payload = Buffer.alloc(64, 1);
  const times: number[] = [];
  for (let i = 0; i < WS_ROUND_TRIPS + 300; i++) {
    const t = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      ws.once("message", () => resolve());
      ws.send(payload);
    });
    if (i >= 300) times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  ws.close();
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

async function holdSockets(port: number, headers: Record<string, string>, n: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < n; i += 50) sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => openWs(port, headers)))));
  // Each connection carries one message, as an IDE session has before it goes idle.
  await Promise.all(sockets.map((ws) => new Promise<void>((resolve) => {
    ws.once("message", () => resolve());
    ws.send("hello");
  })));
  return sockets;
}

/**
 * Memory per idle WebSocket held through fresh processes (the portal and its agent for our path;
 * the reference proxy alone). They first see the kind of traffic a running portal has seen (1 s of
 * HTTP load, 100 sessions opened, used and closed), so the baseline is a warmed heap rather than a
 * cold start. Then n sessions are opened (half, then the rest), each carries one message, and they
 * sit idle. Each process's RSS is read after a full GC at 0, n/2 and n sessions. V8 resizes its young
 * generation with the allocation rate, which can move RSS either way by megabytes, so the figure
 * judged per process is the largest of: RSS delta / n, the RSS slope over the second half, and the
 * live JS heap per session; the path's figure is the sum over its processes.
 */
export async function idleMemory(entry: Proc, measured: Proc[], headers: Record<string, string>, n: number) {
  const port = entry.info.port;
  await load(port, "/bytes/1024", headers, 1);
  for (const ws of await holdSockets(port, headers, 100)) ws.terminate();
  for (const p of measured) {
    const idleHandles = (await memory(p, "handles")).handles;
    for (let i = 0; i < 300 && (await memory(p, "handles")).handles > Math.min(idleHandles, 50); i++) await new Promise((r) => setTimeout(r, 100));
  }
  const snap = () => Promise.all(measured.map((p) => memory(p)));
  await snap();
  await new Promise((r) => setTimeout(r, 500));
  const m0 = await snap();
  const half = Math.floor(n / 2);
  const sockets = await holdSockets(port, headers, half);
  await new Promise((r) => setTimeout(r, 500));
  const mHalf = await snap();
  sockets.push(...(await holdSockets(port, headers, n - half)));
  await new Promise((r) => setTimeout(r, 1000));
  const mFull = await snap();
  for (const ws of sockets) ws.terminate();
  const kb = (bytes: number, count: number) => bytes / count / 1024;
  const per = measured.map((_, i) => {
    const rssKb = kb(mFull[i]!.rss - m0[i]!.rss, n);
    const slopeKb = kb(mFull[i]!.rss - mHalf[i]!.rss, n - half);
    const heapKb = kb(mFull[i]!.heapUsed - m0[i]!.heapUsed, n);
    return { kb: Math.max(rssKb, slopeKb, heapKb), rssKb, slopeKb, heapKb };
  });
  const sum = (k: keyof (typeof per)[number]) => per.reduce((a, p) => a + p[k], 0);
  return { kb: sum("kb"), rssKb: sum("rssKb"), slopeKb: sum("slopeKb"), heapKb: sum("heapKb"), per };
}
