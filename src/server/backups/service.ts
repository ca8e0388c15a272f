import { TRPCError } from "@trpc/server";
import { db } from "../db/client";
import { limitsFor } from "../billing/entitlements";
import { getServerForUser } from "../provisioning/service";
import { recordEvent } from "../provisioning/events";
import { backupStore } from "./config";
import { enqueueBackup, enqueueRestore } from "./jobs";
import { newBackupId } from "./runner";

/** A backup as the UI sees it (sizes as numbers: archives stay far below 2^53 bytes). */
export type BackupView = {
  id: string;
  status: string;
  reason: string;
  phase: string | null;
  bytesDone: number;
  bytesTotal: number | null;
  sizeBytes: number | null;
  totalBytes: number | null;
  fileCount: number | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};

const num = (v: bigint | null) => (v === null ? null : Number(v));

const runnable = (status: string) => status === "running";

/** Queues a backup of the user's server (it must be running: the agent makes it). */
export async function createBackup(userId: string, serverId: string, reason: "manual" | "schedule" = "manual"): Promise<BackupView> {
  const s = await getServerForUser(userId, serverId);
  if (!runnable(s.status)) throw new TRPCError({ code: "CONFLICT", message: "Start the server first: its agent makes the backup." });
  const busy = await db.backup.count({ where: { serverId, status: { in: ["queued", "running"] } } });
  if (busy > 0) throw new TRPCError({ code: "CONFLICT", message: "A backup of this server is already running." });
  const row = await db.backup.create({ data: { id: newBackupId(), serverId, reason } });
  await recordEvent(serverId, "backup", "queued", `Backup ${row.id} queued`, { backupId: row.id, reason });
  await enqueueBackup(row.id);
  return view(row);
}

export async function listBackups(userId: string, serverId: string): Promise<{ backups: BackupView[]; limits: { count: number; bytes: number }; store: "local" | "s3" }> {
  await getServerForUser(userId, serverId);
  const [rows, limits] = await Promise.all([db.backup.findMany({ where: { serverId }, orderBy: { createdAt: "desc" }, take: 100 }), limitsFor(userId)]);
  return { backups: rows.map(view), limits: { count: limits.backupsPerServer, bytes: limits.backupBytesPerServer }, store: backupStore().kind };
}

export async function deleteBackup(userId: string, serverId: string, backupId: string): Promise<{ deleted: string }> {
  await getServerForUser(userId, serverId);
  const row = await db.backup.findFirst({ where: { id: backupId, serverId } });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such backup." });
  if (row.status === "queued" || row.status === "running") throw new TRPCError({ code: "CONFLICT", message: "This backup is still running." });
  await backupStore().delete(serverId, backupId);
  await db.backup.delete({ where: { id: backupId } });
  await recordEvent(serverId, "backup", "info", `Backup ${backupId} deleted`, { backupId });
  return { deleted: backupId };
}

/** Queues a restore of a finished backup of the same server (the current state is backed up first). */
export async function restoreBackup(userId: string, serverId: string, backupId: string): Promise<{ queued: true }> {
  const s = await getServerForUser(userId, serverId);
  if (!runnable(s.status)) throw new TRPCError({ code: "CONFLICT", message: "Start the server first: its agent replaces the files." });
  const row = await db.backup.findFirst({ where: { id: backupId, serverId, status: "done" } });
  if (!row || !(await backupStore().manifest(serverId, backupId))) throw new TRPCError({ code: "NOT_FOUND", message: "No such finished backup." });
  await recordEvent(serverId, "restore", "queued", `Restore of backup ${backupId} queued`, { backupId });
  await enqueueRestore(serverId, backupId);
  return { queued: true };
}

/** For the download route: the owner's finished backup, or null. */
export async function backupForDownload(userId: string, serverId: string, backupId: string) {
  const row = await db.backup.findFirst({ where: { id: backupId, serverId, status: "done", server: { userId } } });
  return row ? { id: row.id, serverId, size: num(row.sizeBytes), sha256: row.sha256 } : null;
}

function view(r: { id: string; status: string; reason: string; phase: string | null; bytesDone: bigint; bytesTotal: bigint | null; sizeBytes: bigint | null; totalBytes: bigint | null; fileCount: number | null; error: string | null; createdAt: Date; finishedAt: Date | null }): BackupView {
  return { id: r.id, status: r.status, reason: r.reason, phase: r.phase, bytesDone: Number(r.bytesDone), bytesTotal: num(r.bytesTotal), sizeBytes: num(r.sizeBytes), totalBytes: num(r.totalBytes), fileCount: r.fileCount, error: r.error, createdAt: r.createdAt, finishedAt: r.finishedAt };
}
