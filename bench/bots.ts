import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Bot } from "mineflayer";
import { report } from "./_report";
import { startTestArtifactServer } from "../test/support/artifact-server";
import type { CrashRecord } from "../agent/src/contract/game";
import { joinBot, processExists, publishFlyingSquid, quitBot, startGameAgent, until, waitState } from "../agent/src/game/harness";

/**
 * The Minecraft bot test: 10, 25 and 50 mineflayer bots join a flying-squid server supervised by a
 * real agent. Per wave: time until all joined, server RSS and CPU. Then the time from SIGKILL of
 * the game to its crash record in the agent's API, against a baseline measured in the same run:
 * how long Node itself takes to see a SIGKILLed child exit (the floor any supervisor has).
 */
const WAVES = [10, 25, 50];
const CRASH_SAMPLES = 3;
const TARGET_MS = 2000;
const CLK_TCK = 100;

function cpuTicks(pid: number): number {
  const rest = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(rest[11]) + Number(rest[12]);
}
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function childExitFloor(): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < CRASH_SAMPLES; i++) {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await new Promise((r) => child.once("spawn", r));
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const t0 = Date.now();
const server = await startTestArtifactServer();
await publishFlyingSquid(server);
const { agent, port } = await startGameAgent(server, ["--game-backoff-ms", "500", "--game-max-failures", "10"]);
const rows: { bots: number; joinMs: number; rssMb: number; cpuPct: number }[] = [];
let ok = true;
try {
  let st = await waitState(agent, "running", 180_000);
  console.log(`server running (pid ${st.pid}) after ${((Date.now() - t0) / 1000).toFixed(1)} s of setup`);
  for (const n of WAVES) {
    const pid = st.pid!;
    const c0 = cpuTicks(pid);
    const w0 = performance.now();
    // Players arrive over a moment, not in one instant: 50 ms apart.
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => new Promise((r) => setTimeout(r, i * 50)).then(() => joinBot(port, `b${n}_${i}`, 120_000))),
    );
    const joinMs = performance.now() - w0;
    const cpuPct = ((cpuTicks(pid) - c0) / CLK_TCK / (joinMs / 1000)) * 100;
    const bots = results.filter((r): r is PromiseFulfilledResult<Bot> => r.status === "fulfilled").map((r) => r.value);
    const failed = results.length - bots.length;
    if (failed) {
      ok = false;
      console.log(`${failed} of ${n} bots failed: ${(results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason}`);
    }
    const row = { bots: n, joinMs: Math.round(joinMs), rssMb: rssMb(pid), cpuPct: Math.round(cpuPct) };
    rows.push(row);
    await Promise.all(bots.map(quitBot));
    await new Promise((r) => setTimeout(r, 1000));
  }

  const floorMs = await childExitFloor();
  const detections: number[] = [];
  for (let i = 0; i < CRASH_SAMPLES; i++) {
    st = await waitState(agent, "running", 120_000);
    const before = ((await (await agent.fetch("/game/crashes")).json()) as { crashes: CrashRecord[] }).crashes.length;
    const k0 = performance.now();
    process.kill(st.pid!, "SIGKILL");
    await until("crash record", async () => ((await (await agent.fetch("/game/crashes")).json()) as { crashes: CrashRecord[] }).crashes.length > before, 30_000, 5);
    detections.push(performance.now() - k0);
  }
  const detectMs = Math.round(median(detections));

  console.log("\n bots | all joined (ms) | server RSS (MB) | server CPU during join (% of one core)");
  console.log("------|-----------------|-----------------|---------------------------------------");
  for (const r of rows) console.log(`${String(r.bots).padStart(5)} | ${String(r.joinMs).padStart(15)} | ${String(r.rssMb).padStart(15)} | ${String(r.cpuPct).padStart(5)}`);
  console.log(`\nSIGKILL -> crash record in the agent API: median ${detectMs} ms of ${detections.map((d) => Math.round(d)).join(", ")} (baseline: Node sees a SIGKILLed child exit in ${floorMs.toFixed(1)} ms)`);
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  report({
    bench: "bots",
    value: detectMs,
    unit: "ms",
    target: `< ${TARGET_MS} ms from SIGKILL to the crash record, all bots join`,
    pass: ok && detectMs < TARGET_MS,
    baselineMs: Math.round(floorMs * 10) / 10,
    waves: rows,
  });
} finally {
  const last = await agent.fetch("/game/status").then((r) => r.json() as Promise<{ pid: number | null }>).catch(() => ({ pid: null }));
  await agent.dispose();
  if (last.pid && processExists(last.pid)) process.kill(last.pid, "SIGKILL");
  await server.close();
}
process.exit(0);
