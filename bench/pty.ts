import * as pty from "node-pty";
import WebSocket from "ws";
import { startAgentProcess, type AgentProcess } from "../test/support/agent-process";
import { startTestArtifactServer } from "../test/support/artifact-server";
import { report } from "./_report";

/**
 * PTY throughput and keystroke echo latency through the agent's console WebSocket, against the same
 * work on a PTY read directly with node-pty in this process (the baseline, measured in the same run).
 *
 *   throughput: `head -c 100M /dev/zero | base64` (about 138 MB of terminal output)
 *   echo:       one keystroke to the shell, time until its echo comes back (p50, p99)
 *
 * Targets: agent throughput >= 0.7x direct; agent echo p50 < 2 ms.
 */
const MB = Number(process.env.PTY_BENCH_MB ?? 32);
const ROUNDS = 2;
const ECHO_SAMPLES = 1000;
const CMD = `head -c ${MB}M /dev/zero | base64`;
// Typed as DO""NE, printed as DONE: the echo of the command line never matches.
const MARK = "__BENCH_DONE__";
const TYPED_MARK = `__BENCH_DO""NE__`;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function directThroughput(): Promise<{ bytes: number; seconds: number }> {
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  await new Promise<void>((resolve) => {
    const p = pty.spawn("/bin/bash", ["-c", CMD], { cols: 120, rows: 40, cwd: process.cwd(), env: { ...process.env, TERM: "xterm-256color" } as Record<string, string>, encoding: null });
    p.onData((d: string | Buffer) => (bytes += d.length));
    p.onExit(() => resolve());
  });
  return { bytes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

type Console = { ws: WebSocket; onData(fn: ((d: Buffer) => void) | null): void; close(): void };

async function openConsole(agent: AgentProcess, session: string): Promise<Console> {
  const ws = new WebSocket(`ws://127.0.0.1:${agent.port}/console?session=${session}&cols=120&rows=40`, {
    headers: { authorization: `Bearer ${agent.token}` },
    perMessageDeflate: false,
  });
  let listener: ((d: Buffer) => void) | null = null;
  ws.on("message", (d: Buffer) => listener?.(d));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const c: Console = { ws, onData: (fn) => (listener = fn), close: () => ws.close() };
  // Wait for the login shell to be ready.
  await new Promise<void>((resolve) => {
    let seen = "";
    c.onData((d) => {
      seen = (seen + d.toString("latin1")).slice(-200);
      if (seen.includes("__READY__")) resolve();
    });
    ws.send(`stty -ixon; echo __REA""DY__\r`);
  });
  c.onData(null);
  return c;
}

async function agentThroughput(c: Console): Promise<{ bytes: number; seconds: number }> {
  let bytes = 0;
  let tail = "";
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    c.onData((d) => {
      bytes += d.length;
      // Only the end of each chunk can hold the marker (plus what the last chunk left over).
      tail = (tail + d.subarray(Math.max(0, d.length - 64)).toString("latin1")).slice(-128);
      if (tail.includes(MARK)) resolve();
    });
    c.ws.send(`${CMD}; echo ${TYPED_MARK}\r`);
  });
  c.onData(null);
  return { bytes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** Keystroke -> echo round trips: type "a", wait for it; clear the line now and then. */
async function echoLatency(write: (s: string) => void, onData: (fn: ((d: Buffer) => void) | null) => void): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < ECHO_SAMPLES; i++) {
    if (i % 50 === 0) {
      await new Promise<void>((resolve) => {
        onData(() => resolve());
        write("\x15"); // Ctrl-U: clear the line (readline redraws)
        setTimeout(resolve, 50).unref();
      });
      await new Promise((r) => setTimeout(r, 5));
    }
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      onData((d) => {
        if (d.includes(0x61)) resolve();
      });
      write("a");
    });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  onData(null);
  write("\x15");
  return samples;
}

async function directEcho(): Promise<number[]> {
  const p = pty.spawn("/bin/bash", ["--norc", "-i"], { cols: 120, rows: 40, cwd: process.cwd(), env: { ...process.env, TERM: "xterm-256color", PS1: "$ " } as Record<string, string>, encoding: null });
  let listener: ((d: Buffer) => void) | null = null;
  p.onData((d: string | Buffer) => listener?.(Buffer.isBuffer(d) ? d : Buffer.from(d)));
  await new Promise<void>((resolve) => {
    let seen = "";
    listener = (d) => {
      seen = (seen + d.toString("latin1")).slice(-200);
      if (seen.includes("__READY__")) resolve();
    };
    p.write(`echo __REA""DY__\r`);
  });
  const samples = await echoLatency((s) => p.write(s), (fn) => (listener = fn));
  // SIGKILL: an interactive bash mid-line may outlive a hang-up and keep this process alive.
  p.kill("SIGKILL");
  return samples;
}

async function main(): Promise<void> {
  const artifacts = await startTestArtifactServer();
  const agent = await startAgentProcess({ artifactsUrl: artifacts.url, env: { LOG_LEVEL: "warn" } });
  try {
    const c = await openConsole(agent, "bench");
    const direct: number[] = [];
    const through: number[] = [];
    let bytesDirect = 0;
    let bytesAgent = 0;
    // Alternate the two so machine load affects both alike; keep each one's best round.
    for (let r = 0; r < ROUNDS; r++) {
      const d = await directThroughput();
      bytesDirect = d.bytes;
      direct.push(d.bytes / d.seconds / 1e6);
      const a = await agentThroughput(c);
      bytesAgent = a.bytes;
      through.push(a.bytes / a.seconds / 1e6);
      console.error(`round ${r + 1}: direct ${direct.at(-1)!.toFixed(1)} MB/s, agent ${through.at(-1)!.toFixed(1)} MB/s`);
    }
    const directMBps = Math.max(...direct);
    const agentMBps = Math.max(...through);

    const echo = await echoLatency((s) => c.ws.send(s), (fn) => c.onData(fn));
    const baseEcho = await directEcho();
    c.close();

    const ratio = agentMBps / directMBps;
    const p50 = percentile(echo, 50);
    const p99 = percentile(echo, 99);
    console.error(`echo through agent: p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms; direct p50 ${percentile(baseEcho, 50).toFixed(3)} ms`);
    report({
      bench: "pty",
      ratio: Number(ratio.toFixed(3)),
      unit: "x direct PTY throughput",
      target: ">= 0.7x throughput and echo p50 < 2 ms",
      pass: ratio >= 0.7 && p50 < 2,
      directMBps: Number(directMBps.toFixed(1)),
      agentMBps: Number(agentMBps.toFixed(1)),
      bytesDirect,
      bytesAgent,
      echoP50Ms: Number(p50.toFixed(3)),
      echoP99Ms: Number(p99.toFixed(3)),
      directEchoP50Ms: Number(percentile(baseEcho, 50).toFixed(3)),
      directEchoP99Ms: Number(percentile(baseEcho, 99).toFixed(3)),
      echoSamples: echo.length,
    });
  } finally {
    await agent.dispose();
    await artifacts.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
