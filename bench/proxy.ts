import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";
import autocannon from "autocannon";
import WebSocket from "ws";
import { report } from "./_report";

/**
 * The hosted IDE data path, whole: client -> portal (connection front, first request authorized,
 * then spliced) -> agent (its real router and code-server tunnel, over a Unix socket) -> upstream,
 * against the client talking to the same upstream directly, with the http-proxy library (keep-alive
 * agent, one hop) as a reference, in one run. Upstream, agent, portal, reference and this load
 * generator are separate processes, so each one's RSS is its own. Figures (medians of short
 * alternating rounds, each subject measured back to back with the others): HTTP req/s and latency
 * p50/p99 for 1 KB and 64 KB responses, WebSocket echo round trip p50/p99, and portal + agent memory
 * per idle IDE WebSocket with 10,000 held (fewer only when the process may not open that many files).
 */
const dir = path.dirname(new URL(import.meta.url).pathname);
const HTTP_SECONDS = Number(process.env.BENCH_PROXY_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 5);
const CONNECTIONS = 32;
const WS_ROUND_TRIPS = 3000;
const IDLE_SOCKETS = Number(process.env.BENCH_PROXY_IDLE ?? 10_000);

type Proc = { child: ChildProcess; lines: Interface; info: { port: number; cookie?: string; vmid?: number; url?: string; token?: string; maxFiles?: number } };
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

async function start(role: string, ...args: string[]): Promise<Proc> {
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
  const ws = new WebSocket(`ws://127.0.0.1:${port}/echo-socket`, { headers: { ...headers, ...(headers.host ? { origin: `http://${headers.host}` } : {}) }, perMessageDeflate: false });
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
 * Memory per idle WebSocket held through fresh processes (the portal and its agent for our path;
 * the reference proxy alone). They first see the kind of traffic a running portal has seen (1 s of
 * HTTP load, 100 sessions opened, used and closed), so the baseline is a warmed heap rather than a
 * cold start. Then n sessions are opened (half, then the rest), each carries one message, and they
 * sit idle. Each process's RSS is read after a full GC at 0, n/2 and n sessions. V8 resizes its young
 * generation with the allocation rate, which can move RSS either way by megabytes, so the figure
 * judged per process is the largest of: RSS delta / n, the RSS slope over the second half, and the
 * live JS heap per session; the path's figure is the sum over its processes.
 */
async function idleMemory(entry: Proc, measured: Proc[], headers: Record<string, string>, n: number) {
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

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Our path: a fresh agent on the upstream, and a portal in front of it. */
async function startPath(target: string): Promise<{ agent: Proc; portal: Proc; headers: Record<string, string> }> {
  const agent = await start("agent", target);
  const portal = await start("zlh", agent.info.url!, agent.info.token!);
  return { agent, portal, headers: { host: `dev-${portal.info.vmid}.localhost:${portal.info.port}`, cookie: `${portal.info.cookie}; theme=dark` } };
}

async function main() {
  const upstream = await start("upstream");
  const target = `http://127.0.0.1:${upstream.info.port}`;
  const path1 = await startPath(target);
  const ref = await start("http-proxy", target);
  const headers = path1.headers;
  const subjects = { direct: upstream.info.port, zlh: path1.portal.info.port, httpProxy: ref.info.port } as const;

  // Short rounds, order alternating each round, on a machine other work shares: each ratio is the
  // median of per-round ratios (each pair measured back to back).
  const http: Record<string, Record<string, HttpFigures[]>> = { "1k": {}, "64k": {} };
  const toDirect: Record<string, number[]> = { "1k": [], "64k": [] };
  const toRef: Record<string, number[]> = { "1k": [], "64k": [] };
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
      toDirect[size]!.push(round.zlh!.rps / round.direct!.rps);
      toRef[size]!.push(round.zlh!.rps / round.httpProxy!.rps);
    }
  }
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

  await Promise.all([stop(path1.portal), stop(path1.agent), stop(ref)]);
  const fresh = await startPath(target);
  // Two descriptors per session in the portal (client + tunnel), and as many in the agent.
  const maxFiles = Math.min(fresh.portal.info.maxFiles ?? 65536, fresh.agent.info.maxFiles ?? 65536);
  const idle = Math.min(IDLE_SOCKETS, Math.floor((maxFiles - 500) / 2));
  const memZlh = await idleMemory(fresh.portal, [fresh.portal, fresh.agent], fresh.headers, idle);
  await Promise.all([stop(fresh.portal), stop(fresh.agent)]);
  const refFresh = await start("http-proxy", target);
  const memRef = await idleMemory(refFresh, [refFresh], {}, idle);
  await stop(refFresh);
  for (const [name, m] of [["zlh (portal + agent)", memZlh], ["http-proxy", memRef]] as const) {
    process.stderr.write(`idle ws ${name}: ${round1(m.kb)} KB per session over ${idle} (RSS delta ${round1(m.rssKb)}, RSS slope ${round1(m.slopeKb)}, heap ${round1(m.heapKb)})\n`);
  }
  await stop(upstream);

  const ratio1k = median(toDirect["1k"]!);
  const ratio64k = median(toDirect["64k"]!);
  const addedWsP50 = ws.zlh!.p50 - ws.direct!.p50;
  const errors = Object.values(figures).flatMap((s) => Object.values(s)).reduce((a, f) => a + f.errors, 0);
  const pass = ratio1k >= 0.5 && ratio64k >= 0.8 && addedWsP50 < 50 && memZlh.kb < 10 && idle >= 10_000 && errors === 0;
  report({
    bench: "proxy",
    ratio: round2(ratio1k),
    unit: "x direct throughput, 1 KB responses, client -> portal -> agent -> upstream (median of paired rounds, same run)",
    target: ">= 0.5x direct for 1 KB, >= 0.8x for 64 KB, < 50 us added WebSocket echo p50, < 10 KB portal + agent memory per idle IDE WebSocket with 10,000 held, no errors",
    pass,
    ratioToDirect1k: round2(ratio1k),
    ratioToDirect64k: round2(ratio64k),
    ratioToHttpProxy1k: round2(median(toRef["1k"]!)),
    ratioToHttpProxy64k: round2(median(toRef["64k"]!)),
    httpProxyToDirect1k: round2(median(http["1k"]!.httpProxy!.map((f, i) => f.rps / http["1k"]!.direct![i]!.rps))),
    roundsToDirect1k: toDirect["1k"]!.map(round2),
    http1k: figures["1k"],
    http64k: figures["64k"],
    wsEchoUs: ws,
    wsAddedP50Us: round1(addedWsP50),
    idleSessions: idle,
    idleWsKbPerSession: { zlhPortalPlusAgent: round1(memZlh.kb), httpProxy: round1(memRef.kb) },
    idleWsDetail: {
      zlhPortal: { rssDelta: round1(memZlh.per[0]!.rssKb), rssSlope: round1(memZlh.per[0]!.slopeKb), heap: round1(memZlh.per[0]!.heapKb) },
      zlhAgent: { rssDelta: round1(memZlh.per[1]!.rssKb), rssSlope: round1(memZlh.per[1]!.slopeKb), heap: round1(memZlh.per[1]!.heapKb) },
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
