import type { Server } from "../../generated/prisma/client";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { notify } from "../notify/notify";
import { limitsFor } from "../billing/entitlements";
import { recordEvent } from "../provisioning/events";
import { agentBackupActivity, openAgentBackup, restoreThroughAgent } from "./agent-io";
import { backupStore } from "./config";
import { retentionVictims } from "./retention";

const log = logger.child({ module: "backups" });
const PROGRESS_MS = 1_000;

export const newBackupId = () => `b${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/**
 * Runs one backup job: the agent makes the archive and streams it straight into the store, which
 * commits it only when its sha256 matches the agent's manifest. Progress (the agent's raw bytes)
 * goes to the Backup row every second; retention runs after success. Idempotent: a finished row
 * is left alone, a rerun makes the archive again under the same id.
 */
export async function runBackup(backupId: string, signal: AbortSignal, opts: { keep?: string[]; finalAttempt?: boolean } = {}): Promise<void> {
  const row = await db.backup.findUnique({ where: { id: backupId }, include: { server: true } });
  if (!row || row.status === "done") return;
  const server = row.server;
  await db.backup.update({ where: { id: backupId }, data: { status: "running", phase: "quiesce", error: null } });
  await recordEvent(server.id, "backup", "started", `Backup ${backupId} started`, { backupId, reason: row.reason });
  const poll = setInterval(() => {
    agentBackupActivity(server)
      .then((a) => (a.running === "backup" && a.id === backupId ? db.backup.update({ where: { id: backupId }, data: { phase: a.phase, bytesDone: BigInt(a.bytesDone), bytesTotal: a.bytesTotal === null ? null : BigInt(a.bytesTotal) } }) : null))
      .catch(() => undefined);
  }, PROGRESS_MS);
  try {
    const { body, manifest } = await openAgentBackup(server, backupId, signal);
    // The store's pipeline sees the stream's errors; a reset reported after it settled (an abort) is not news.
    body.on("error", () => undefined);
    const m = await backupStore().put(server.id, backupId, body, () => manifest(), signal);
    await db.backup.update({
      where: { id: backupId },
      data: { status: "done", phase: null, sizeBytes: BigInt(m.archive.size), sha256: m.archive.sha256, totalBytes: BigInt(m.totalBytes), bytesDone: BigInt(m.totalBytes), bytesTotal: BigInt(m.totalBytes), fileCount: m.files.length, finishedAt: new Date() },
    });
    await recordEvent(server.id, "backup", "done", `Backup ${backupId} stored (${formatBytes(m.archive.size)}, ${m.files.length} files, ${m.consistency})`, { backupId });
    await enforceRetention(server, opts.keep ?? []);
  } catch (err) {
    const message = signal.aborted ? `interrupted: ${(signal.reason as Error)?.message ?? "aborted"}` : (err as Error).message;
    await db.backup.update({ where: { id: backupId }, data: { status: "failed", phase: null, error: message.slice(0, 2000), finishedAt: new Date() } });
    await recordEvent(server.id, "backup", "failed", `Backup ${backupId} failed: ${message}`, { backupId });
    if (!signal.aborted && (opts.finalAttempt ?? true)) {
      await notify({ userId: server.userId, serverId: server.id, kind: "backup_failed", title: `Backup of ${server.name} failed`, body: message, dedupeKey: `backup_failed:${backupId}` }).catch((e: unknown) => log.warn({ err: e }, "notify failed"));
    }
    throw err;
  } finally {
    clearInterval(poll);
  }
}

/** Deletes the oldest backups beyond the owner's plan (count and total size), never those in `keep`. */
export async function enforceRetention(server: Pick<Server, "id" | "userId">, keep: string[] = []): Promise<string[]> {
  const limits = await limitsFor(server.userId);
  const stored = (await backupStore().list(server.id)).filter((b) => !keep.includes(b.id));
  const victims = retentionVictims(stored, { count: Math.max(1, limits.backupsPerServer - keep.length), bytes: limits.backupBytesPerServer });
  for (const v of victims) {
    await backupStore().delete(server.id, v.id);
    await db.backup.deleteMany({ where: { id: v.id, serverId: server.id } });
    await recordEvent(server.id, "backup", "info", `Backup ${v.id} removed by retention (plan keeps ${limits.backupsPerServer})`, { backupId: v.id });
  }
  return victims.map((v) => v.id);
}

/**
 * Restores a stored backup: the current state is kept as a new backup first, then the archive
 * streams to the agent, which verifies it against the manifest, stops the game, swaps the data in
 * atomically and starts the game again. Every step lands in the server's timeline.
 */
export async function runRestore(serverId: string, backupId: string, signal: AbortSignal): Promise<void> {
  const server = await db.server.findUniqueOrThrow({ where: { id: serverId } });
  const manifest = await backupStore().manifest(serverId, backupId);
  if (!manifest) throw new Error(`backup ${backupId} is not in the store`);
  await recordEvent(serverId, "restore", "started", `Restoring backup ${backupId}`, { backupId });
  try {
    const preId = newBackupId();
    await db.backup.create({ data: { id: preId, serverId, reason: "pre-restore" } });
    await recordEvent(serverId, "restore", "info", `Keeping the current state as backup ${preId} first`, { backupId, preId });
    await runBackup(preId, signal, { keep: [backupId] });
    const opened = await backupStore().open(serverId, backupId);
    if (!opened) throw new Error(`backup ${backupId} is not in the store`);
    await recordEvent(serverId, "restore", "info", server.kind === "game" ? "Stopping the game and replacing its files" : "Replacing the home folder", { backupId });
    const r = await restoreThroughAgent(server, opened.stream, manifest, signal);
    await recordEvent(serverId, "restore", "done", `Restored backup ${backupId} (${r.restore.files} files into ${r.restore.root})${server.kind === "game" ? "; the game is starting again" : ""}`, { backupId, preId });
  } catch (err) {
    await recordEvent(serverId, "restore", "failed", `Restore of ${backupId} failed: ${(err as Error).message}; the server keeps its current state`, { backupId });
    throw err;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
