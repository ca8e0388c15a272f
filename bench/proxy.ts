import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";
import autocannon from "autocannon";
import WebSocket from "ws";
import { report } from "./_report";

/**
 * Hosted IDE proxy overhead: the production dev-host routes (cookie check, host parsing, our
 * forwarder) vs direct to the same upstream vs the http-proxy library with a keep-alive agent, in
 * one run. Upstream, each proxy and this load generator are separate processes, so the proxies' RSS
 * is their own. Figures: HTTP req/s and latency p50/p99 for 1 KB and 64 KB responses, WebSocket
 * echo round trip p50/p99, and RSS per idle WebSocket with 1,000 held through each proxy.
 */
const dir = path.dirname(new URL(import.meta.url).pathname);
const HTTP_SECONDS = Number(process.env.BENCH_PROXY_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 2);
const CONNECTIONS = 32;
const WS_ROUND_TRIPS = 3000;
const IDLE_SOCKETS = 1000;

type Proc = { child: ChildProcess; lines: Interface; info: { port: number; cookie?: string; vmid?: number } };
const procs: ChildProcess[] = [];

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

async function start(role: string, target?: string): Promise<Proc> {
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", path.join(dir, "_proxy-procs.ts"), role, ...(target ? [target] : [])], {
    stdio: ["pipe", "pipe", "inherit"],
    env: process.env,
  });
  procs.push(child);
  const lines = createInterface({ input: child.stdout! });
  const info = JSON.parse(await nextLine(lines, child));
  return { child, lines, info };
}

type Memory = { rss: number; heapUsed: number; handles: number };
async function memory(p: Proc, cmd: "mem" | "handles" = "mem"): Promise<Memory> {
  p.child.stdin!.write(`${cmd}\n`);
  return JSON.parse(await nextLine(p.lines, p.child)) as Memory;
}

function stop(p: Proc): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) return resolve();
    p.child.once("exit", () => resolve());
    p.child.kill("SIGTERM");
  });
}

type HttpFigures = { rps: number; p50: number; p99: number; errors: number };

async function load(port: number, urlPath: string, headers: Record<string, string>, seconds: number): Promise<HttpFigures> {
  const r = await autocannon({ url: `http://127.0.0.1:${port}${urlPath}`, connections: CONNECTIONS, duration: seconds, headers });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function openWs(port: number, headers: Record<string, string>): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/echo-socket`, { headers, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return ws;
}

async function wsLatency(port: number, headers: Record<string, string>): Promise<{ p50: number; p99: number }> {
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
 * Memory per idle WebSocket held through a fresh proxy process. The process first sees the kind of
 * traffic a running portal has seen (1 s of HTTP load, 100 sessions opened, used and closed), so
 * the baseline is a warmed heap rather than a cold start. Then 1,000 sessions are opened, each
 * carries one message, and they sit idle: KB per session = RSS delta (after a full GC) / 1,000.
 * The live JS heap per session is reported too.
 */
async function idleMemory(role: string, target: string, headersFor: (p: Proc) => Record<string, string>): Promise<{ rssKb: number; heapKb: number }> {
  const p = await start(role, target);
  const headers = headersFor(p);
  await load(p.info.port, "/bytes/1024", headers, 1);
  for (const ws of await holdSockets(p.info.port, headers, 100)) ws.terminate();
  const idleHandles = (await memory(p, "handles")).handles;
  for (let i = 0; i < 300 && (await memory(p, "handles")).handles > Math.min(idleHandles, 50); i++) await new Promise((r) => setTimeout(r, 100));
  const before = await memory(p);
  const sockets = await holdSockets(p.info.port, headers, IDLE_SOCKETS);
  await new Promise((r) => setTimeout(r, 1000));
  const after = await memory(p);
  for (const ws of sockets) ws.terminate();
  await stop(p);
  return { rssKb: (after.rss - before.rss) / IDLE_SOCKETS / 1024, heapKb: (after.heapUsed - before.heapUsed) / IDLE_SOCKETS / 1024 };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

async function main() {
  const upstream = await start("upstream");
  const target = `http://127.0.0.1:${upstream.info.port}`;
  const zlh = await start("zlh", target);
  const ref = await start("http-proxy", target);
  const host = `dev-${zlh.info.vmid}.localhost:${zlh.info.port}`;
  const headers = { host, cookie: `${zlh.info.cookie}; theme=dark` };
  const subjects = { direct: upstream.info.port, zlh: zlh.info.port, httpProxy: ref.info.port } as const;

  const http: Record<string, Record<string, HttpFigures[]>> = { "1k": {}, "64k": {} };
  for (const [size, urlPath] of [["1k", "/bytes/1024"], ["64k", "/bytes/65536"]] as const) {
    for (const [name, port] of Object.entries(subjects)) await load(port, urlPath, headers, 1);
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate the order each round so drift on a shared machine does not favour one subject.
      const order = r % 2 === 0 ? Object.entries(subjects) : Object.entries(subjects).reverse();
      for (const [name, port] of order) {
        const f = await load(port, urlPath, headers, HTTP_SECONDS);
        (http[size]![name] ??= []).push(f);
        process.stderr.write(`${size} ${name}: ${Math.round(f.rps)} req/s p50 ${f.p50} ms p99 ${f.p99} ms errors ${f.errors}\n`);
      }
    }
  }
  const mean = (fs: HttpFigures[]) => ({
    rps: Math.round(fs.reduce((a, f) => a + f.rps, 0) / fs.length),
    p50: round1(fs.reduce((a, f) => a + f.p50, 0) / fs.length),
    p99: round1(fs.reduce((a, f) => a + f.p99, 0) / fs.length),
    errors: fs.reduce((a, f) => a + f.errors, 0),
  });
  const figures: Record<string, Record<string, ReturnType<typeof mean>>> = {};
  for (const size of ["1k", "64k"]) {
    figures[size] = {};
    for (const name of Object.keys(subjects)) figures[size]![name] = mean(http[size]![name]!);
  }

  const ws: Record<string, { p50: number; p99: number }> = {};
  for (const [name, port] of Object.entries(subjects)) {
    const l = await wsLatency(port, headers);
    ws[name] = { p50: round1(l.p50), p99: round1(l.p99) };
    process.stderr.write(`ws ${name}: p50 ${ws[name]!.p50} us p99 ${ws[name]!.p99} us\n`);
  }

  await Promise.all([stop(zlh), stop(ref)]);
  const memZlh = await idleMemory("zlh", target, (p) => ({ host: `dev-${p.info.vmid}.localhost:${p.info.port}`, cookie: p.info.cookie! }));
  const memRef = await idleMemory("http-proxy", target, () => ({}));
  const kbZlh = memZlh.rssKb;
  process.stderr.write(`idle ws per connection: zlh ${round1(memZlh.rssKb)} KB RSS (${round1(memZlh.heapKb)} KB heap), http-proxy ${round1(memRef.rssKb)} KB RSS (${round1(memRef.heapKb)} KB heap)\n`);
  await stop(upstream);

  const f1 = figures["1k"]!;
  const f64 = figures["64k"]!;
  const ratio = f1.zlh!.rps / f1.httpProxy!.rps;
  const ratio64 = f64.zlh!.rps / f64.httpProxy!.rps;
  const addedWsP50 = ws.zlh!.p50 - ws.direct!.p50;
  const errors = Object.values(figures).flatMap((s) => Object.values(s)).reduce((a, f) => a + f.errors, 0);
  const pass = ratio >= 1 && ratio64 >= 1 && addedWsP50 < 1000 && kbZlh <= 15 && errors === 0;
  report({
    bench: "proxy",
    ratio: Math.round(ratio * 100) / 100,
    unit: "x http-proxy throughput (1 KB responses, same run)",
    target: ">= 1.0x http-proxy for 1 KB and 64 KB, < 1 ms added WebSocket p50, <= 15 KB RSS per idle WebSocket, no errors",
    pass,
    ratio64k: Math.round(ratio64 * 100) / 100,
    ratioToDirect1k: Math.round((f1.zlh!.rps / f1.direct!.rps) * 100) / 100,
    ratioToDirect64k: Math.round((f64.zlh!.rps / f64.direct!.rps) * 100) / 100,
    http1k: f1,
    http64k: f64,
    wsEchoUs: ws,
    wsAddedP50Us: round1(addedWsP50),
    idleWsKbPerConn: { zlh: round1(memZlh.rssKb), httpProxy: round1(memRef.rssKb) },
    idleWsHeapKbPerConn: { zlh: round1(memZlh.heapKb), httpProxy: round1(memRef.heapKb) },
    errors,
  });
}

try {
  await main();
} finally {
  for (const c of procs) if (c.exitCode === null) c.kill("SIGKILL");
}
