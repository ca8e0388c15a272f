import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type WebSocket from "ws";
import { report } from "./_report";

/**
 * What real containers cost: the lxc provider against the unisolated one, in the same run, on the
 * same artifact store (everything already in it: no downloads are timed).
 *
 *   create-to-ready: provider.create -> start -> the agent answers /healthz (median of ROUNDS,
 *                    the two providers alternating; the template is unpacked by a warm-up first)
 *   PTY throughput:  `head -c <MB>M /dev/zero | base64` through the agent's console WebSocket (best of 2)
 *   bot join:        a mineflayer bot joining a flying-squid server in each (connect -> spawn)
 *
 * Targets: create-to-ready lxc/unisolated <= 1.3; PTY throughput lxc/unisolated >= 0.9.
 */
const ROUNDS = Number(process.env.ISOLATION_BENCH_ROUNDS ?? 5);
const PTY_MB = Number(process.env.ISOLATION_BENCH_PTY_MB ?? 32);
const t0 = Date.now();
const log = (msg: string) => process.stderr.write(`[isolation] ${msg} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);

if (process.getuid?.() !== 0) {
  console.error("isolation bench: needs root (real LXC containers)");
  process.exit(1);
}

const { startTestArtifactServer } = await import("../test/support/artifact-server");
const { publishTemplate } = await import("../test/support/lxc");
const { publishFlyingSquid, joinBot, quitBot } = await import("../agent/src/game/harness");
const { AgentClient } = await import("../src/server/agent-client");
const { LxcProvider } = await import("../src/server/provisioning/providers/lxc");
const { LocalProvider } = await import("../src/server/provisioning/providers/local");
type Provider = InstanceType<typeof LxcProvider> | InstanceType<typeof LocalProvider>;

const dataDir = mkdtempSync(path.join(os.tmpdir(), "zlh-bench-isolation-"));
chmodSync(dataDir, 0o711);
const artifacts = await startTestArtifactServer();
// A tiny "node" runtime (a script printing its version): dev provisioning without a real download.
const rt = mkdtempSync(path.join(os.tmpdir(), "zlh-bench-rt-"));
mkdirSync(path.join(rt, "bin"));
writeFileSync(path.join(rt, "bin", "node"), `#!/bin/sh\necho "node v20.20.2"\n`, { mode: 0o755 });
await artifacts.publishDir(rt, { kind: "runtime", name: "node", version: "20.20.2", bin: ["bin"], verify: { command: "bin/node", args: ["--version"], expect: "v20.20.2" } });
rmSync(rt, { recursive: true, force: true });
await publishTemplate(artifacts);
await publishFlyingSquid(artifacts);
log("artifact store ready (runtime, template, flying-squid)");

const providers: Record<"lxc" | "unisolated", Provider> = {
  lxc: new LxcProvider({ dataDir: path.join(dataDir, "lxc-data") }),
  unisolated: new LocalProvider({ dataDir: path.join(dataDir, "unisolated-data") }),
};
const token = "bench-isolation-token-0123456789abcdef";
const startOpts = { agentToken: token, artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey };
let nextVmid = 6100;
const refs: { p: Provider; ref: string }[] = [];

async function waitHealthy(client: InstanceType<typeof AgentClient>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await client.healthy(2_000))) {
    if (Date.now() > deadline) throw new Error(`agent at ${client.url} did not answer`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** create -> start -> /healthz; returns the milliseconds and the running container. */
async function createToReady(p: Provider, kind: "dev" | "game") {
  const vmid = nextVmid++;
  const s = Date.now();
  const c = await p.create({ serverId: `bench-${vmid}`, vmid, kind, memoryMb: 1024, hostname: `zlh-${vmid}`, ...startOpts });
  const started = await p.start(c.providerRef, startOpts);
  const client = new AgentClient({ url: started.agentUrl, token, retries: 0 });
  await waitHealthy(client);
  const ms = Date.now() - s;
  refs.push({ p, ref: c.providerRef });
  return { ms, client, ref: c.providerRef, gamePort: started.gamePort, p };
}

async function destroy(c: { p: Provider; ref: string }): Promise<void> {
  await c.p.destroy(c.ref);
  refs.splice(refs.findIndex((r) => r.ref === c.ref && r.p === c.p), 1);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function ptyThroughput(client: InstanceType<typeof AgentClient>): Promise<number> {
  const ws: WebSocket = client.openWebSocket("/console?session=bench&cols=120&rows=40");
  let listener: ((d: Buffer) => void) | null = null;
  ws.on("message", (d: Buffer) => listener?.(d));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const waitFor = (mark: string, onBytes?: (n: number) => void) =>
    new Promise<void>((resolve) => {
      let tail = "";
      listener = (d) => {
        onBytes?.(d.length);
        // The end of each chunk, long enough for the marker plus the prompt drawn after it.
        tail = (tail + d.subarray(Math.max(0, d.length - 512)).toString("latin1")).slice(-1024);
        if (tail.includes(mark)) resolve();
      };
    });
  const ready = waitFor("__READY__");
  ws.send(`stty -ixon; echo __REA""DY__\r`);
  await ready;
  let best = 0;
  for (let r = 0; r < 2; r++) {
    let bytes = 0;
    const s = process.hrtime.bigint();
    const done = waitFor("__BENCH_DONE__", (n) => (bytes += n));
    ws.send(`head -c ${PTY_MB}M /dev/zero | base64; echo __BENCH_DO""NE__\r`);
    await done;
    best = Math.max(best, bytes / (Number(process.hrtime.bigint() - s) / 1e9) / 1e6);
  }
  ws.close();
  return best;
}

async function provisionDev(client: InstanceType<typeof AgentClient>): Promise<void> {
  const first = await client.provision({ kind: "dev", runtime: { name: "node" }, enableCodeServer: false });
  if (first.provisioningComplete) return;
  for (;;) {
    const s = await client.status();
    if (s.provisioningComplete) return;
    if (s.state === "error") throw new Error(`provisioning failed: ${s.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function botJoin(p: Provider): Promise<number> {
  const c = await createToReady(p, "game");
  await c.client.provision({ kind: "game", enableCodeServer: false, game: { artifact: { name: "flying-squid" }, port: c.gamePort, memoryMb: 1024, motd: "bench", maxPlayers: 20, autoStart: true } });
  const deadline = Date.now() + 240_000;
  for (;;) {
    const g = (await c.client.status()).game as { state?: string } | undefined;
    if (g?.state === "running") break;
    if (Date.now() > deadline) throw new Error("the game did not reach running");
    await new Promise((r) => setTimeout(r, 250));
  }
  const s = Date.now();
  const bot = await joinBot(c.gamePort, `bench${p.name === "lxc" ? "L" : "U"}`);
  const ms = Date.now() - s;
  await quitBot(bot);
  await destroy(c);
  return ms;
}

try {
  // Warm-up: unpacks the template (lxc) and loads caches, untimed.
  for (const name of ["lxc", "unisolated"] as const) await destroy(await createToReady(providers[name], "dev"));
  log("warm-up done");
  const times: Record<"lxc" | "unisolated", number[]> = { lxc: [], unisolated: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of ["unisolated", "lxc"] as const) {
      const c = await createToReady(providers[name], "dev");
      times[name].push(c.ms);
      // One container at a time: the machine's load stays the same for every measurement.
      await destroy(c);
    }
    log(`round ${r + 1}: unisolated ${times.unisolated.at(-1)} ms, lxc ${times.lxc.at(-1)} ms`);
  }
  const ready = { lxc: median(times.lxc), unisolated: median(times.unisolated) };

  const pty: Record<string, number> = {};
  for (const name of ["unisolated", "lxc"] as const) {
    const c = await createToReady(providers[name], "dev");
    await provisionDev(c.client);
    pty[name] = await ptyThroughput(c.client);
    await destroy(c);
    log(`PTY ${name}: ${pty[name]!.toFixed(1)} MB/s`);
  }

  const join: Record<string, number> = {};
  for (const name of ["unisolated", "lxc"] as const) {
    join[name] = await botJoin(providers[name]);
    log(`bot join ${name}: ${join[name]} ms`);
  }

  const readyRatio = ready.lxc / ready.unisolated;
  const ptyRatio = pty.lxc! / pty.unisolated!;
  const pass = readyRatio <= 1.3 && ptyRatio >= 0.9;
  await cleanup();
  report({
    bench: "isolation",
    ratio: Number(readyRatio.toFixed(3)),
    unit: "x create-to-ready (lxc / unisolated, median)",
    target: "create-to-ready <= 1.3x and PTY throughput >= 0.9x of unisolated",
    pass,
    createToReadyMs: ready,
    ptyThroughputMBps: { lxc: Number(pty.lxc!.toFixed(1)), unisolated: Number(pty.unisolated!.toFixed(1)) },
    ptyRatio: Number(ptyRatio.toFixed(3)),
    botJoinMs: join,
  });
  process.exit(pass ? 0 : 1);
} catch (err) {
  await cleanup();
  throw err;
}

async function cleanup(): Promise<void> {
  for (const { p, ref } of refs) await p.destroy(ref).catch((e: unknown) => log(`destroy failed: ${(e as Error).message}`));
  await artifacts.close();
  rmSync(dataDir, { recursive: true, force: true });
}
