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
 * is their own. Figures (medians of short alternating rounds): HTTP req/s and latency p50/p99 for
 * 1 KB and 64 KB responses, WebSocket
 * echo round trip p50/p99, and RSS per idle WebSocket with 1,000 held through each proxy.
 */
const dir = path.dirname(new URL(import.meta.url).pathname);
const HTTP_SECONDS = Number(process.env.BENCH_PROXY_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 5);
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
 * traffic a running portal has seen (1 s of HTTP load, 100 sessions opened, used and closed), so the
 * baseline is a warmed heap rather than a cold start. Then 1,000 sessions are opened (500 + 500),
 * each carries one message, and they sit idle. RSS is read after a full GC at 0, 500 and 1,000
 * sessions. V8 resizes its young generation with the allocation rate, which can move RSS either way
 * by megabytes, so the figure judged is the largest of: RSS delta / 1,000, the RSS slope between 500
 * and 1,000, and the live JS heap per session.
 */
async function idleMemory(role: string, target: string, headersFor: (p: Proc) => Record<string, string>) {
  const p = await start(role, target);
  const headers = headersFor(p);
  await load(p.info.port, "/bytes/1024", headers, 1);
  for (const ws of await holdSockets(p.info.port, headers, 100)) ws.terminate();
  const idleHandles = (await memory(p, "handles")).handles;
  for (let i = 0; i < 300 && (await memory(p, "handles")).handles > Math.min(idleHandles, 50); i++) await new Promise((r) => setTimeout(r, 100));
  await memory(p);
  await new Promise((r) => setTimeout(r, 500));
  const m0 = await memory(p);
  const half = IDLE_SOCKETS / 2;
  const sockets = await holdSockets(p.info.port, headers, half);
  await new Promise((r) => setTimeout(r, 500));
  const m500 = await memory(p);
  sockets.push(...(await holdSockets(p.info.port, headers, IDLE_SOCKETS - half)));
  await new Promise((r) => setTimeout(r, 500));
  const m1000 = await memory(p);
  for (const ws of sockets) ws.terminate();
  await stop(p);
  const kb = (bytes: number, n: number) => bytes / n / 1024;
  const rssKb = kb(m1000.rss - m0.rss, IDLE_SOCKETS);
  const slopeKb = kb(m1000.rss - m500.rss, IDLE_SOCKETS - half);
  const heapKb = kb(m1000.heapUsed - m0.heapUsed, IDLE_SOCKETS);
  return { kb: Math.max(rssKb, slopeKb, heapKb), rssKb, slopeKb, heapKb };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

async function main() {
  const upstream = await start("upstream");
  const target = `http://127.0.0.1:${upstream.info.port}`;
  const zlh = await start("zlh", target);
  const ref = await start("http-proxy", target);
  const host = `dev-${zlh.info.vmid}.localhost:${zlh.info.port}`;
  // Browsers send Origin on every WebSocket; the dev host refuses upgrades from other origins.
  const headers = { host, origin: `http://${host}`, cookie: `${zlh.info.cookie}; theme=dark` };
  const subjects = { direct: upstream.info.port, zlh: zlh.info.port, httpProxy: ref.info.port } as const;

  // Short rounds, order alternating each round, on a machine other work shares: the ratio to
  // http-proxy is the median of per-round ratios (each pair measured back to back).
  const http: Record<string, Record<string, HttpFigures[]>> = { "1k": {}, "64k": {} };
  const pairRatios: Record<string, number[]> = { "1k": [], "64k": [] };
  for (const [size, urlPath] of [["1k", "/bytes/1024"], ["64k", "/bytes/65536"]] as const) {
    for (const port of Object.values(subjects)) await load(port, urlPath, headers, 1);
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? Object.entries(subjects) : Object.entries(subjects).reverse();
      const round: Record<string, HttpFigures> = {};
      for (const [name, port] of order) {
        const f = (round[name] = await load(port, urlPath, headers, HTTP_SECONDS));
        (http[size]![name] ??= []).push(f);
        process.stderr.write(`${size} ${name}: ${Math.round(f.rps)} req/s p50 ${f.p50} ms p99 ${f.p99} ms errors ${f.errors}\n`);
      }
      pairRatios[size]!.push(round.zlh!.rps / round.httpProxy!.rps);
    }
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const summary = (fs: HttpFigures[]) => ({
    rps: Math.round(median(fs.map((f) => f.rps))),
    p50: round1(median(fs.map((f) => f.p50))),
    p99: round1(median(fs.map((f) => f.p99))),
    errors: fs.reduce((a, f) => a + f.errors, 0),
  });
  const figures: Record<string, Record<string, ReturnType<typeof summary>>> = {};
  for (const size of ["1k", "64k"]) {
    figures[size] = {};
    for (const name of Object.keys(subjects)) figures[size]![name] = summary(http[size]![name]!);
  }

  const ws: Record<string, { p50: number; p99: number }> = {};
  for (const [name, port] of Object.entries(subjects)) {
    const l = await wsLatency(port, headers);
    ws[name] = { p50: round1(l.p50), p99: round1(l.p99) };
    process.stderr.write(`ws ${name}: p50 ${ws[name]!.p50} us p99 ${ws[name]!.p99} us\n`);
  }

  await Promise.all([stop(zlh), stop(ref)]);
  const memZlh = await idleMemory("zlh", target, (p) => ({ host: `dev-${p.info.vmid}.localhost:${p.info.port}`, origin: `http://dev-${p.info.vmid}.localhost:${p.info.port}`, cookie: p.info.cookie! }));
  const memRef = await idleMemory("http-proxy", target, () => ({}));
  const kbZlh = memZlh.kb;
  for (const [name, m] of [["zlh", memZlh], ["http-proxy", memRef]] as const) {
    process.stderr.write(`idle ws ${name}: ${round1(m.kb)} KB per session (RSS delta ${round1(m.rssKb)}, RSS slope ${round1(m.slopeKb)}, heap ${round1(m.heapKb)})\n`);
  }
  await stop(upstream);

  const f1 = figures["1k"]!;
  const f64 = figures["64k"]!;
  const ratio = median(pairRatios["1k"]!);
  const ratio64 = median(pairRatios["64k"]!);
  const addedWsP50 = ws.zlh!.p50 - ws.direct!.p50;
  const errors = Object.values(figures).flatMap((s) => Object.values(s)).reduce((a, f) => a + f.errors, 0);
  const pass = ratio >= 1 && ratio64 >= 1 && addedWsP50 < 1000 && kbZlh <= 15 && errors === 0;
  report({
    bench: "proxy",
    ratio: Math.round(ratio * 100) / 100,
    unit: "x http-proxy throughput (1 KB responses, median of paired rounds, same run)",
    target: ">= 1.0x http-proxy for 1 KB and 64 KB, < 1 ms added WebSocket p50, <= 15 KB RSS per idle WebSocket, no errors",
    pass,
    ratio64k: Math.round(ratio64 * 100) / 100,
    ratioToDirect1k: Math.round((f1.zlh!.rps / f1.direct!.rps) * 100) / 100,
    ratioToDirect64k: Math.round((f64.zlh!.rps / f64.direct!.rps) * 100) / 100,
    pairRatios1k: pairRatios["1k"]!.map((r) => Math.round(r * 100) / 100),
    http1k: f1,
    http64k: f64,
    wsEchoUs: ws,
    wsAddedP50Us: round1(addedWsP50),
    idleWsKbPerSession: { zlh: round1(memZlh.kb), httpProxy: round1(memRef.kb) },
    idleWsDetail: {
      zlh: { rssDelta: round1(memZlh.rssKb), rssSlope: round1(memZlh.slopeKb), heap: round1(memZlh.heapKb) },
      httpProxy: { rssDelta: round1(memRef.rssKb), rssSlope: round1(memRef.slopeKb), heap: round1(memRef.heapKb) },
    },
    errors,
  });
}

try {
  await main();
} finally {
  for (const c of procs) if (c.exitCode === null) c.kill("SIGKILL");
}
