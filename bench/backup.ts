import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import http, { type IncomingMessage } from "node:http";
import { createReadStream, createWriteStream, existsSync, readdirSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Bot } from "mineflayer";
import { report } from "./_report";
import { writeWorld } from "./_backup-world";
import { startTestArtifactServer } from "../test/support/artifact-server";
import { backupManifestSchema, type BackupManifest } from "../agent/src/contract/backup";
import { templateFor } from "../agent/src/game/templates";
import { joinBot, publishFlyingSquid, quitBot, startGameAgent, until, waitState } from "../agent/src/game/harness";

/**
 * Backup of a running flying-squid server with a 500 MB world, made by the real agent (quiesce,
 * snapshot, tar + hash + compress, streamed over HTTP into a file as the portal would), against
 * `tar -czf` of the same files in the same run, alternating, median of the per-round ratios. The
 * agent compresses with pigz where it is installed (every core) while the baseline stays the plain
 * `tar -czf` (gzip, one core) the issue names; the report says which compressor the agent used. Also:
 * restore time, and a player's command round trip (/ping -> "pong") idle and during a backup.
 */
const WORLD_MB = Number(process.env.BACKUP_BENCH_MB ?? 500);
const ROUNDS = 3;
const TARGET = 1.2;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (all: number[], p: number) => {
  const xs = all.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
};
const lost = (xs: number[]) => xs.filter((x) => Number.isNaN(x)).length;

const server = await startTestArtifactServer();
await publishFlyingSquid(server);
const { agent, port } = await startGameAgent(server, []);
const out = path.join(os.tmpdir(), `zlh-backup-bench-${process.pid}`);
execFileSync("mkdir", ["-p", out]);
let bot: Bot | null = null;
try {
  await waitState(agent, "running", 180_000);
  const installDir = path.join(agent.root, "opt/zlh/game/server");
  // Bulk world data in a folder the game does not read (its own region files stay small and valid).
  const world = await writeWorld(path.join(installDir, "world", "zlh-bench"), WORLD_MB);
  console.log(`world: ${world.files} files, ${(world.bytes / 1e6).toFixed(0)} MB`);
  const excludes = templateFor("flying-squid").backup.excludes;
  const entries = readdirSync(installDir).filter((n) => !excludes.includes(n));

  bot = await joinBot(port, "pinger", 120_000);
  const ping = async (): Promise<number> => {
    const t0 = performance.now();
    let on: ((msg: string) => void) | null = null;
    const got = new Promise<boolean>((resolve) => {
      on = (msg: string) => {
        if (msg.includes("pong")) resolve(true);
      };
      bot!.on("messagestr", on);
    });
    bot!.chat("/ping");
    // An answer that never comes counts as lost (NaN), not as a 10 s round trip.
    const answered = await Promise.race([got, new Promise<false>((r) => setTimeout(() => r(false), 10_000))]);
    bot!.off("messagestr", on!);
    return answered ? performance.now() - t0 : NaN;
  };
  const sampleWhile = async (done: () => boolean, minSamples = 0): Promise<number[]> => {
    const xs: number[] = [];
    while (!done() || xs.length < minSamples) {
      xs.push(await ping());
      await new Promise((r) => setTimeout(r, 200));
    }
    return xs;
  };
  let stopIdle = false;
  setTimeout(() => (stopIdle = true), 5000);
  const idlePings = await sampleWhile(() => stopIdle);

  // Asynchronous: a blocked event loop would starve the bot's keep-alives and get it kicked.
  const tarOnce = async () => {
    const t0 = performance.now();
    await promisify(execFile)("tar", ["-czf", path.join(out, "baseline.tgz"), "-C", installDir, ...entries]);
    return performance.now() - t0;
  };
  let manifest: BackupManifest | null = null;
  // Long requests get their own connection: a pooled one the agent is just closing as idle
  // (minutes of tar -czf in between) would fail the POST, which is not retried.
  const postFresh = (p: string, headers: Record<string, string>, body: Readable | string) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const req = http.request(`${agent.url}${p}`, { method: "POST", agent: false, headers: { authorization: `Bearer ${agent.token}`, ...headers } }, resolve);
      req.once("error", reject);
      if (typeof body === "string") req.end(body);
      else body.pipe(req);
    });
  const backupOnce = async (id: string) => {
    const t0 = performance.now();
    const r = await postFresh("/backup", { "content-type": "application/json" }, JSON.stringify({ id, announce: true }));
    if (r.statusCode !== 200) throw new Error(`backup answered ${r.statusCode}: ${Buffer.concat(await r.toArray()).toString()}`);
    await pipeline(r, createWriteStream(path.join(out, "backup.tgz")));
    const mr = await new Promise<IncomingMessage>((resolve, reject) =>
      http.get(`${agent.url}/backup/${id}/manifest`, { agent: false, headers: { authorization: `Bearer ${agent.token}` } }, resolve).once("error", reject),
    );
    manifest = backupManifestSchema.parse(JSON.parse(Buffer.concat(await mr.toArray()).toString()));
    return performance.now() - t0;
  };

  const ratios: number[] = [];
  const tarMs: number[] = [];
  const backupMs: number[] = [];
  const backupPings: number[] = [];
  const measuredBackup = async (i: number) => {
    let finished = false;
    const pings = sampleWhile(() => finished);
    const ms = await backupOnce(`bench-${i}-${Date.now()}`);
    finished = true;
    backupPings.push(...(await pings));
    return ms;
  };
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first, so page cache and machine load favour neither.
    let t: number, b: number;
    if (i % 2 === 0) {
      t = await tarOnce();
      b = await measuredBackup(i);
    } else {
      b = await measuredBackup(i);
      t = await tarOnce();
    }
    tarMs.push(t);
    backupMs.push(b);
    ratios.push(b / t);
    console.log(`round ${i + 1}: tar -czf ${(t / 1000).toFixed(2)} s, agent backup ${(b / 1000).toFixed(2)} s, ratio ${(b / t).toFixed(3)}`);
  }
  const m = manifest as BackupManifest | null;
  if (!m) throw new Error("no manifest");
  if (statSync(path.join(out, "backup.tgz")).size !== m.archive.size) throw new Error("stored archive size differs from the manifest");

  await quitBot(bot);
  bot = null;
  const r0 = performance.now();
  const rr = await postFresh("/backup/restore", { "x-zlh-archive-sha256": m.archive.sha256, "x-zlh-archive-size": String(m.archive.size) }, createReadStream(path.join(out, "backup.tgz")));
  const answer = Buffer.concat(await rr.toArray()).toString();
  if (rr.statusCode !== 200) throw new Error(`restore answered ${rr.statusCode}: ${answer}`);
  const restoreMs = performance.now() - r0;
  await until("the game running again after the restore", async () => (await waitState(agent, "running", 180_000)) && true, 180_000);
  const restartedMs = performance.now() - r0;
  if (!existsSync(path.join(installDir, "world", "zlh-bench", "region"))) throw new Error("restored world lacks the bench data");

  const ratio = median(ratios);
  report({
    bench: "backup",
    ratio: Number(ratio.toFixed(3)),
    unit: `x tar -czf time (same files, same run, median of rounds; agent compressed with ${m.archive.compressor ?? "gzip"}, baseline tar -czf = gzip)`,
    target: `<= ${TARGET}`,
    pass: ratio <= TARGET,
    worldMb: Math.round(world.bytes / 1e6),
    compressor: m.archive.compressor ?? "gzip",
    archiveMb: Number((m.archive.size / 1e6).toFixed(1)),
    baselineMb: Number((statSync(path.join(out, "baseline.tgz")).size / 1e6).toFixed(1)),
    tarMs: tarMs.map(Math.round),
    backupMs: backupMs.map(Math.round),
    restoreMs: Math.round(restoreMs),
    restoreUntilRunningMs: Math.round(restartedMs),
    pingIdleMs: { p50: Math.round(pct(idlePings, 50)), p99: Math.round(pct(idlePings, 99)), n: idlePings.length, lost: lost(idlePings) },
    pingDuringBackupMs: { p50: Math.round(pct(backupPings, 50)), p99: Math.round(pct(backupPings, 99)), n: backupPings.length, lost: lost(backupPings) },
  });
  if (ratio > TARGET) process.exitCode = 1;
} finally {
  if (bot) await quitBot(bot);
  await agent.dispose();
  await server.close();
  await rm(out, { recursive: true, force: true });
}
