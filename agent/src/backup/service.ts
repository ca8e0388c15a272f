import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { mkdir } from "node:fs/promises";
import type { Writable } from "node:stream";
import { promisify } from "node:util";
import type { AgentContext } from "../context";
import type { BackupActivity, BackupManifest, BackupRequest } from "../contract/backup";
import { conflict, HttpError } from "../http/errors";
import { writeArchive } from "./archive";
import { tellPlayers, withWorldQuiesced } from "./quiesce";
import { resolveScope } from "./scope";
import { copySnapshot, removeTree } from "./snapshot";

const run = promisify(execFile);

/** Where snapshots and received archives live while they are worked on (inside the container). */
export const BACKUP_WORK_DIR = "/var/lib/zlh/backup";
/** Manifests of finished archives wait this long for the portal to fetch them. */
const MANIFEST_TTL_MS = 30 * 60_000;
const MANIFESTS_KEPT = 16;

const idle = (): BackupActivity => ({ running: null, id: null, phase: null, bytesDone: 0, bytesTotal: null });

/**
 * One backup or restore at a time per container. A backup streams its archive to the caller as it
 * is compressed and keeps the manifest for the caller to fetch once the stream has ended.
 */
export class BackupService {
  activity: BackupActivity = idle();
  private manifests = new Map<string, { manifest: BackupManifest; expires: number }>();
  /** The backup in progress: the caller may ask for its manifest the moment the last byte arrived. */
  private inProgress: { id: string; done: Promise<unknown> } | null = null;

  constructor(private ctx: AgentContext) {}

  get workDir(): string {
    return this.ctx.containerPath(BACKUP_WORK_DIR);
  }

  /** Removes what an interrupted backup left (snapshots live only as long as their request). */
  async cleanStale(): Promise<void> {
    await removeTree(this.workDir);
  }

  claim(kind: "backup" | "restore", id: string): void {
    if (this.activity.running) throw conflict(`a ${this.activity.running} is already running (${this.activity.id}); try again when it has finished`);
    this.activity = { running: kind, id, phase: null, bytesDone: 0, bytesTotal: null };
  }

  release(): void {
    this.activity = idle();
  }

  /** The manifest of a finished backup; waits for one whose stream has ended but which is still finishing. */
  async manifestOf(id: string): Promise<BackupManifest | null> {
    if (this.inProgress?.id === id) await this.inProgress.done.catch(() => undefined);
    return this.manifest(id);
  }

  manifest(id: string): BackupManifest | null {
    const now = Date.now();
    for (const [k, v] of this.manifests) if (v.expires < now) this.manifests.delete(k);
    return this.manifests.get(id)?.manifest ?? null;
  }

  /**
   * Makes the backup: quiesce + snapshot (before `open` is called, so failures there answer as
   * errors), then the archive written to the stream `open` returns. The caller has claimed.
   */
  async backup(req: BackupRequest, open: () => Writable, signal: AbortSignal): Promise<BackupManifest> {
    const done = this.makeBackup(req, open, signal);
    this.inProgress = { id: req.id, done };
    try {
      return await done;
    } finally {
      this.inProgress = null;
    }
  }

  private async makeBackup(req: BackupRequest, open: () => Writable, signal: AbortSignal): Promise<BackupManifest> {
    const started = Date.now();
    const scope = resolveScope(this.ctx);
    if (!existsSync(scope.root)) throw new HttpError(409, `nothing to back up: ${scope.containerRoot} does not exist`);
    const snap = path.join(this.workDir, `snap-${req.id}-${randomBytes(4).toString("hex")}`);
    await mkdir(this.workDir, { recursive: true, mode: 0o700 });
    try {
      if (req.announce) tellPlayers(scope, "Backup started: the world keeps running.");
      this.activity.phase = "quiesce";
      const onRawBytes = (n: number) => (this.activity.bytesDone = n);
      let res: Awaited<ReturnType<typeof writeArchive>> | null = null;
      let consistency: string;
      if (scope.game) {
        // A game's folder is archived in place while saving is paused: the tar is the snapshot
        // (no copy of the world to write first); the game keeps running and saves again after.
        consistency = await withWorldQuiesced(scope, signal, async () => {
          this.activity.phase = "archive";
          res = await writeArchive(scope.root, open(), { signal, onRawBytes, excludes: scope.excludes });
        });
      } else {
        // A home has no pause button: archive a copy, so files written meanwhile cannot tear it.
        consistency = await withWorldQuiesced(scope, signal, async () => {
          this.activity.phase = "snapshot";
          await copySnapshot(scope.root, scope.excludes, snap, signal);
        });
        this.activity.phase = "archive";
        this.activity.bytesTotal = await treeBytes(snap);
        res = await writeArchive(snap, open(), { signal, onRawBytes });
      }
      if (!res) throw new Error("the archive was not made");
      const manifest: BackupManifest = {
        version: 1,
        id: req.id,
        scope: scope.scope,
        root: scope.containerRoot,
        createdAt: new Date(started).toISOString(),
        consistency,
        archive: { format: "tar+gzip", size: res.size, sha256: res.sha256, compressor: res.compressor },
        totalBytes: res.builder.totalBytes,
        files: res.builder.files,
        durationMs: Date.now() - started,
      };
      this.keep(manifest);
      if (req.announce) tellPlayers(scope, "Backup finished.");
      this.ctx.log.info({ id: req.id, scope: scope.scope, bytes: manifest.totalBytes, archiveBytes: res.size, compressor: res.compressor, ms: manifest.durationMs }, "backup made");
      return manifest;
    } catch (err) {
      if (req.announce) tellPlayers(scope, "Backup failed; the world is unchanged.");
      throw err;
    } finally {
      await removeTree(snap);
    }
  }

  private keep(manifest: BackupManifest): void {
    this.manifests.set(manifest.id, { manifest, expires: Date.now() + MANIFEST_TTL_MS });
    while (this.manifests.size > MANIFESTS_KEPT) this.manifests.delete(this.manifests.keys().next().value!);
  }
}

/** Bytes of regular files under a folder (progress total); 0 when du is unavailable. */
async function treeBytes(dir: string): Promise<number> {
  try {
    const { stdout } = await run("du", ["-sb", dir]);
    return Number(stdout.split(/\s/)[0]) || 0;
  } catch {
    return 0;
  }
}
