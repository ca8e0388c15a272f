import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import type { AgentContext } from "../context";
import type { RestoreResult } from "../contract/backup";
import { syncDir } from "../fs/atomic";
import { HttpError } from "../http/errors";
import type { BackupService } from "./service";
import { resolveScope, type ResolvedScope } from "./scope";
import { removeTree } from "./snapshot";
import { until } from "./wait";

const run = promisify(execFile);

/** Refused archives answer this: the request was understood, the archive is not the one promised. */
const refuse = (msg: string) => new HttpError(422, msg);

/**
 * Receives an archive, and only when its size and sha256 match what the manifest promised and it
 * extracts cleanly into a temp sibling of the target, swaps it in: a game is stopped for the swap
 * (and started again if it was running); the artifact's own files are carried over. Anything
 * refused leaves the current data untouched.
 */
export async function restoreArchive(ctx: AgentContext, svc: BackupService, body: Readable, expect: { sha256: string; size: number }, signal: AbortSignal): Promise<RestoreResult> {
  const started = Date.now();
  const scope = resolveScope(ctx);
  const tag = randomBytes(6).toString("hex");
  await mkdir(svc.workDir, { recursive: true, mode: 0o700 });
  const file = path.join(svc.workDir, `restore-${tag}.tar.gz`);
  const staging = `${scope.root}.restore-${tag}`;
  try {
    svc.activity.phase = "receive";
    svc.activity.bytesTotal = expect.size;
    const hash = createHash("sha256");
    let got = 0;
    const count = new Transform({
      transform(chunk: Buffer, _e, cb) {
        got += chunk.length;
        if (got > expect.size) return cb(refuse(`archive is larger than its manifest says (${expect.size} bytes)`));
        hash.update(chunk);
        svc.activity.bytesDone = got;
        cb(null, chunk);
      },
    });
    await pipeline(body, count, createWriteStream(file, { mode: 0o600 }), { signal });
    const digest = hash.digest("hex");
    if (got !== expect.size) throw refuse(`archive truncated: ${got} of ${expect.size} bytes`);
    if (digest !== expect.sha256) throw refuse(`archive sha256 ${digest} does not match its manifest (${expect.sha256})`);

    await mkdir(staging, { mode: 0o755 });
    try {
      // GNU tar refuses members with ".." and delays symlinks until the end, so nothing is written outside staging.
      await run("tar", ["-x", "-z", "-f", file, "-C", staging, "--numeric-owner"], { signal, maxBuffer: 1024 * 1024 });
    } catch (err) {
      throw refuse(`archive does not extract: ${((err as { stderr?: string }).stderr ?? (err as Error).message).trim().slice(0, 500)}`);
    }
    await rm(file, { force: true });
    const files = (await run("find", [staging, "-mindepth", "1"], { maxBuffer: 256 * 1024 * 1024 })).stdout.split("\n").filter(Boolean).length;

    svc.activity.phase = "swap";
    const wasRunning = await stopGameFor(scope);
    try {
      await swapIn(scope, staging, tag);
    } finally {
      if (wasRunning) scope.game!.handle.supervisor.power("start");
    }
    ctx.log.info({ scope: scope.scope, files, bytes: expect.size }, "backup restored");
    return { restore: { scope: scope.scope, root: scope.containerRoot, files, bytes: expect.size, durationMs: Date.now() - started } };
  } finally {
    await rm(file, { force: true });
    await removeTree(staging);
  }
}

/** Stops a running game and waits until it is down; true when it was running. */
async function stopGameFor(scope: ResolvedScope): Promise<boolean> {
  const sup = scope.game?.handle.supervisor;
  if (!sup) return false;
  await until(() => sup.status().action === null, 180_000, "the game's current power action to finish");
  const state = sup.status().state;
  if (state === "stopped" || state === "error") return false;
  sup.power("stop");
  await until(() => sup.status().state === "stopped" && sup.status().action === null, 180_000, "the game to stop");
  return true;
}

/** Carries the artifact's files over, then old -> aside, staging -> target (two renames), then drops the old tree. */
async function swapIn(scope: ResolvedScope, staging: string, tag: string): Promise<void> {
  const old = `${scope.root}.old-${tag}`;
  if (existsSync(scope.root)) {
    for (const name of scope.excludes) {
      const from = path.join(scope.root, name);
      if (!existsSync(from)) continue;
      await rm(path.join(staging, name), { recursive: true, force: true });
      await rename(from, path.join(staging, name));
    }
    await rename(scope.root, old);
  }
  await rename(staging, scope.root);
  await syncDir(path.dirname(scope.root));
  await removeTree(old);
}

/**
 * After a crash between the two renames the target may be missing: put the old tree back. The
 * artifact's files already carried into a staging tree go back too; then leftovers are removed.
 */
export async function recoverInterruptedRestore(root: string, excludes: string[]): Promise<void> {
  const dir = path.dirname(root);
  const base = path.basename(root);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names) {
    if (!n.startsWith(`${base}.old-`)) continue;
    if (!existsSync(root)) await rename(path.join(dir, n), root);
    else await removeTree(path.join(dir, n));
  }
  for (const n of names) {
    if (!n.startsWith(`${base}.restore-`)) continue;
    const staging = path.join(dir, n);
    if (existsSync(root)) {
      for (const name of excludes) {
        if (existsSync(path.join(staging, name)) && !existsSync(path.join(root, name))) await rename(path.join(staging, name), path.join(root, name));
      }
    }
    await removeTree(staging);
  }
}
