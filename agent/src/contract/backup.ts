import { z } from "zod";

/**
 * Backups made inside the container by the agent (agent/src/backup/), streamed to the portal's
 * backup store, and restored from it.
 *
 *   POST /backup { id, announce }      200, body = the gzip'd tar archive as it is made (streamed);
 *                                      an error before the first byte answers JSON, a later one
 *                                      aborts the response (the portal then keeps nothing)
 *   GET  /backup/:id/manifest          the manifest of a finished archive (kept 30 minutes)
 *   POST /backup/restore               body = an archive; headers x-zlh-archive-sha256 and
 *                                      x-zlh-archive-size; 200 { restore } when the archive matched
 *                                      and replaced the data, 422 when it did not (nothing changed)
 *   GET  /backup/status                the "backup" section of /status
 */
export const backupIdSchema = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]{5,63}$/, "6-64 letters, digits, - or _");

export const backupRequestSchema = z
  .object({
    id: backupIdSchema,
    /** Tell players in chat (game servers) that a backup runs. */
    announce: z.boolean().default(true),
  })
  .strict();
export type BackupRequest = z.infer<typeof backupRequestSchema>;

export const backupScopeSchema = z.enum(["game", "home"]);
export type BackupScope = z.infer<typeof backupScopeSchema>;

export const manifestFileSchema = z.object({
  /** POSIX path relative to the backed-up folder; folders end with "/". */
  path: z.string().min(1).max(4096),
  size: z.number().int().nonnegative(),
  /** sha256 of the file's bytes (regular files only). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  type: z.enum(["file", "dir", "symlink", "hardlink"]),
});
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const backupManifestSchema = z.object({
  version: z.literal(1),
  id: backupIdSchema,
  scope: backupScopeSchema,
  /** The container folder the archive holds (e.g. /opt/zlh/game/server or /home/dev). */
  root: z.string(),
  createdAt: z.iso.datetime(),
  /** How the snapshot was made consistent (e.g. "save-off/save-all", "stopped", "copy"). */
  consistency: z.string(),
  archive: z.object({
    format: z.literal("tar+gzip"),
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** The program that compressed it (both write plain gzip); absent from older agents. */
    compressor: z.enum(["pigz", "gzip"]).optional(),
  }),
  /** Sum of the regular files' sizes. */
  totalBytes: z.number().int().nonnegative(),
  files: z.array(manifestFileSchema).max(1_000_000),
  durationMs: z.number().int().nonnegative(),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;

export const ARCHIVE_SHA256_HEADER = "x-zlh-archive-sha256";
export const ARCHIVE_SIZE_HEADER = "x-zlh-archive-size";

export const restoreResultSchema = z.object({
  restore: z.object({ scope: backupScopeSchema, root: z.string(), files: z.number().int().nonnegative(), bytes: z.number().int().nonnegative(), durationMs: z.number().int().nonnegative() }),
});
export type RestoreResult = z.infer<typeof restoreResultSchema>;

export const backupActivitySchema = z.object({
  /** What the agent is doing right now. */
  running: z.enum(["backup", "restore"]).nullable(),
  id: z.string().nullable(),
  phase: z.enum(["quiesce", "snapshot", "archive", "receive", "swap"]).nullable(),
  bytesDone: z.number().int().nonnegative(),
  /** Raw bytes to archive (known after the snapshot) or archive bytes to receive. */
  bytesTotal: z.number().int().nonnegative().nullable(),
});
export type BackupActivity = z.infer<typeof backupActivitySchema>;

/** The "activity" section of /status (agent/src/activity): what the portal's idle auto-stop reads. */
export const agentActivitySchema = z.object({
  consoleViewers: z.number().int().nonnegative(),
  newestFileChangeAt: z.iso.datetime().nullable(),
});
export type AgentActivity = z.infer<typeof agentActivitySchema>;
