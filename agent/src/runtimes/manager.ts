import { existsSync } from "node:fs";
import { rename, rm, readdir, rmdir, unlink } from "node:fs/promises";
import path from "node:path";
import type { AgentContext } from "../context";
import type { ArtifactRef } from "../contract/catalog";
import type { InstalledRuntime } from "../contract/status";
import type { RuntimeInstallResponse, RuntimeRollbackResponse } from "../contract/runtimes";
import { AGENT_EVENT, type AgentEvent } from "../contract/events";
import { getCatalogClient } from "../artifacts/catalog-client";
import { installArchive, type InstallProgress } from "../artifacts/install";
import { withInstallLock } from "../artifacts/install-locks";
import { symlinkAtomic, writeFileAtomic } from "../fs/atomic";
import { conflict, notFound } from "../http/errors";
import { syncProfile } from "../devenv";
import { META_FILE, RUNTIMES_ROOT, linkedVersion, readMeta, runtimeDir, versionDir } from "./store";
import { verifyRuntime } from "./verify";

const view = (name: string, version: string, current: boolean): InstalledRuntime => ({ name, version, current, path: `${RUNTIMES_ROOT}/${name}/${version}` });

/**
 * Runtime installs, upgrades, rollbacks and removals. One operation per runtime name at a time: a
 * second install of the same version joins the running one; anything else meanwhile is a 409.
 */
export class RuntimeManager {
  /** Joiners await `op` itself, so they see the same result or error as the first caller. */
  private busy = new Map<string, { version?: string; op: Promise<unknown> }>();

  constructor(private ctx: AgentContext) {}

  async install(ref: ArtifactRef, opts: { onProgress?: (p: InstallProgress) => void; signal?: AbortSignal } = {}): Promise<RuntimeInstallResponse> {
    const art = await getCatalogClient(this.ctx).resolve(ref, "runtime");
    const running = this.busy.get(art.name);
    if (running) {
      if (running.version === art.version) return (await running.op) as RuntimeInstallResponse;
      throw conflict(`runtime ${art.name} is busy (${running.version ? `installing ${running.version}` : "changing"}); try again when it finishes`);
    }
    return this.exclusive(art.name, art.version, async () => {
      const dir = versionDir(this.ctx, art.name, art.version);
      let meta = readMeta(dir);
      let installed = false;
      if (meta?.sha256 !== art.sha256 || !(await verifyRuntime(dir, meta).then(() => true, () => false))) {
        meta = { name: art.name, version: art.version, sha256: art.sha256, bin: art.bin, verify: art.verify, installedAt: new Date().toISOString() };
        const m = meta;
        await installArchive(this.ctx, art, dir, {
          ...opts,
          beforeCommit: (tmp) => writeFileAtomic(path.join(tmp, META_FILE), JSON.stringify(m, null, 2)),
        });
        installed = true;
        try {
          opts.onProgress?.({ phase: "verify", bytesDone: art.size, bytesTotal: art.size });
          await verifyRuntime(dir, meta);
        } catch (err) {
          // The previous version stays current; the unverified one goes.
          await this.removeDir(dir);
          throw err;
        }
      }
      const previous = await this.makeCurrent(art.name, art.version);
      this.say("info", `runtime ${art.name}@${art.version} ${installed ? "installed" : "already installed"}${previous ? ` (previous: ${previous})` : ""}`);
      return { runtime: view(art.name, art.version, true), installed, ...(previous ? { previous } : {}) };
    });
  }

  async rollback(name: string): Promise<RuntimeRollbackResponse> {
    return this.exclusive(name, undefined, async () => {
      const previous = linkedVersion(this.ctx, name, "previous");
      if (!previous) throw conflict(`runtime ${name} has no previous version to roll back to`);
      const meta = readMeta(versionDir(this.ctx, name, previous));
      if (!meta) throw conflict(`runtime ${name}@${previous} has no install record; reinstall it instead`);
      await verifyRuntime(versionDir(this.ctx, name, previous), meta);
      const old = await this.makeCurrent(name, previous);
      this.say("info", `runtime ${name} rolled back to ${previous}`);
      return { runtime: view(name, previous, true), ...(old ? { previous: old } : {}) };
    });
  }

  async remove(name: string, version: string, force: boolean): Promise<void> {
    await this.exclusive(name, undefined, async () => {
      const dir = versionDir(this.ctx, name, version);
      if (!existsSync(dir)) throw notFound(`runtime ${name}@${version} is not installed`);
      const current = linkedVersion(this.ctx, name, "current");
      const previous = linkedVersion(this.ctx, name, "previous");
      const rdir = runtimeDir(this.ctx, name);
      if (current === version) {
        if (!force) throw conflict(`runtime ${name}@${version} is current; install or roll back to another version first, or pass force=1`);
        if (previous) {
          await symlinkAtomic(previous, path.join(rdir, "current"));
          await unlink(path.join(rdir, "previous"));
        } else {
          await unlink(path.join(rdir, "current"));
        }
      } else if (previous === version) {
        await unlink(path.join(rdir, "previous"));
      }
      await this.removeDir(dir);
      await rmdir(rdir).catch(() => undefined); // only when nothing is left
      await syncProfile(this.ctx);
      this.say("info", `runtime ${name}@${version} removed`);
    });
  }

  /** Points `current` at `version` and `previous` at what was current; regenerates the shell profile. */
  private async makeCurrent(name: string, version: string): Promise<string | undefined> {
    const rdir = runtimeDir(this.ctx, name);
    const before = linkedVersion(this.ctx, name, "current");
    if (before !== version) {
      await symlinkAtomic(version, path.join(rdir, "current"));
      if (before) await symlinkAtomic(before, path.join(rdir, "previous"));
    }
    await syncProfile(this.ctx);
    return before !== version ? before : linkedVersion(this.ctx, name, "previous");
  }

  /** Moves a version dir aside under the install guard (so a crash mid-delete is cleaned at start), then deletes it. */
  private async removeDir(dir: string): Promise<void> {
    await withInstallLock(this.ctx, dir, undefined, async (p) => {
      await rename(dir, p.tmp).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
      await rm(p.tmp, { recursive: true, force: true });
    });
  }

  private async exclusive<T>(name: string, version: string | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(name)) throw conflict(`runtime ${name} is busy; try again when the running operation finishes`);
    const op = fn();
    this.busy.set(name, { version, op });
    try {
      return await op;
    } finally {
      this.busy.delete(name);
    }
  }

  private say(level: "info" | "warn", msg: string): void {
    this.ctx.log[level]({ source: "runtimes" }, msg);
    const ev: AgentEvent = { type: "log", level, msg, source: "runtimes" };
    this.ctx.events.emit(AGENT_EVENT, ev);
  }
}

/** Removes `current`/`previous` temp links a killed switch left behind. */
export async function cleanStaleLinks(ctx: AgentContext, names: string[]): Promise<void> {
  for (const name of names) {
    const rdir = runtimeDir(ctx, name);
    for (const f of await readdir(rdir).catch(() => [] as string[])) {
      if (/^\.(current|previous)\.link-[0-9a-f]+$/.test(f)) await rm(path.join(rdir, f), { force: true });
    }
  }
}
