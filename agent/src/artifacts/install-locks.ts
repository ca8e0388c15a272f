import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { AgentContext } from "../context";
import { HttpError } from "../http/errors";
import { writeFileAtomic } from "../fs/atomic";

/**
 * The install guard: one install per target at a time in this process, and a lock file per running
 * install (under /opt/zlh/agent/installs) naming its temp paths, so an agent restarted after a crash
 * removes whatever a killed install left behind before it takes new work.
 */
const LOCK_DIR = "/opt/zlh/agent/installs";
const TMP_PREFIX = ".zlh-tmp-";
const OLD_PREFIX = ".zlh-old-";

const lockSchema = z.object({ target: z.string(), tmp: z.string(), old: z.string(), pid: z.number(), startedAt: z.string() });

type Running = { controller: AbortController; done: Promise<unknown> };
const running = new WeakMap<AgentContext, Map<string, Running>>();
const runningFor = (ctx: AgentContext) => {
  let m = running.get(ctx);
  if (!m) running.set(ctx, (m = new Map()));
  return m;
};

export type LockedPaths = { target: string; tmp: string; old: string; signal: AbortSignal };

/** Shows a host path as the container sees it (for messages). */
export function containerView(ctx: AgentContext, hostPath: string): string {
  const rel = path.relative(ctx.config.root, hostPath);
  return "/" + rel.split(path.sep).join("/");
}

export async function withInstallLock<T>(
  ctx: AgentContext,
  target: string,
  signal: AbortSignal | undefined,
  fn: (p: LockedPaths) => Promise<T>,
): Promise<T> {
  const map = runningFor(ctx);
  if (map.has(target)) throw new HttpError(409, `an install into ${containerView(ctx, target)} is already running`);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const dir = path.dirname(target);
  const tag = `${path.basename(target)}-${randomBytes(6).toString("hex")}`;
  const paths: LockedPaths = { target, tmp: path.join(dir, TMP_PREFIX + tag), old: path.join(dir, OLD_PREFIX + tag), signal: controller.signal };
  const lockDir = ctx.containerPath(LOCK_DIR);
  const lockFile = path.join(lockDir, `${createHash("sha256").update(target).digest("hex").slice(0, 24)}.json`);
  const run = (async () => {
    await mkdir(lockDir, { recursive: true });
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(lockFile, JSON.stringify({ target, tmp: paths.tmp, old: paths.old, pid: process.pid, startedAt: new Date().toISOString() }));
    try {
      return await fn(paths);
    } finally {
      await rm(paths.tmp, { recursive: true, force: true });
      await rm(paths.old, { recursive: true, force: true });
      await rm(lockFile, { force: true });
    }
  })();
  map.set(target, { controller, done: run.catch(() => undefined) });
  try {
    return await run;
  } finally {
    map.delete(target);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Aborts every running install and waits until each has removed its temp files (SIGTERM). */
export async function abortAllInstalls(ctx: AgentContext): Promise<void> {
  const map = runningFor(ctx);
  for (const r of map.values()) r.controller.abort(new Error("agent shutting down"));
  await Promise.all([...map.values()].map((r) => r.done));
}

/** At start: undo what installs killed mid-way left (temp dirs; a target moved aside mid-swap). */
export async function cleanStaleInstalls(ctx: AgentContext): Promise<number> {
  const lockDir = ctx.containerPath(LOCK_DIR);
  let names: string[];
  try {
    names = await readdir(lockDir);
  } catch {
    return 0;
  }
  let cleaned = 0;
  const under = (p: string, prefix: string) =>
    path.resolve(p) === p && p.startsWith(ctx.config.root + path.sep) && path.basename(p).startsWith(prefix);
  for (const name of names.filter((n) => n.endsWith(".json"))) {
    const file = path.join(lockDir, name);
    const parsed = lockSchema.safeParse(JSON.parse(await readFile(file, "utf8").catch(() => "null")));
    if (parsed.success) {
      const { target, tmp, old } = parsed.data;
      if (under(tmp, TMP_PREFIX)) await rm(tmp, { recursive: true, force: true });
      if (under(old, OLD_PREFIX) && existsSync(old)) {
        // Killed between moving the old copy aside and putting the new one in place: put it back.
        if (!existsSync(target) && path.dirname(old) === path.dirname(target)) await rename(old, target);
        else await rm(old, { recursive: true, force: true });
      }
      ctx.log.warn({ target: containerView(ctx, target) }, "removed the leftovers of an interrupted install");
      cleaned++;
    }
    await rm(file, { force: true });
  }
  return cleaned;
}
