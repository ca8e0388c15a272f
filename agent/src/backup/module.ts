import type { AgentContext } from "../context";
import { ARCHIVE_SHA256_HEADER, ARCHIVE_SIZE_HEADER, backupRequestSchema } from "../contract/backup";
import { badRequest, notFound } from "../http/errors";
import { recoverInterruptedRestore, restoreArchive } from "./restore";
import { resolveScope } from "./scope";
import { BackupService } from "./service";

/**
 * Backups and restores (contract in agent/src/contract/backup.ts). Registered after the game
 * module, whose console a game backup uses for save-off / save-all / save-on.
 */
export async function registerBackup(ctx: AgentContext): Promise<void> {
  const svc = new BackupService(ctx);
  await svc.cleanStale();
  const scope = resolveScope(ctx);
  await recoverInterruptedRestore(scope.root, scope.excludes);

  // The running backup or restore: an agent stopping aborts it (its temp files go).
  let current: AbortController | null = null;
  ctx.onShutdown(() => current?.abort(new Error("agent stopping")));
  ctx.addStatus("backup", () => svc.activity);
  ctx.router.get("/backup/status", ({ send }) => send(200, svc.activity));

  ctx.router.post("/backup", async ({ res, json }) => {
    const body = await json(backupRequestSchema, 4096);
    svc.claim("backup", body.id);
    const abort = (current = new AbortController());
    // The caller going away ends the backup; nothing half-made is kept.
    res.once("close", () => {
      if (!res.writableFinished) abort.abort(new Error("the client went away"));
    });
    try {
      await svc.backup(body, () => {
        res.writeHead(200, { "content-type": "application/gzip", "x-zlh-backup-id": body.id, "cache-control": "no-store" });
        return res;
      }, abort.signal);
    } catch (err) {
      if (res.headersSent) {
        ctx.log.warn({ err: (err as Error).message, id: body.id }, "backup aborted mid-stream");
        res.destroy(err as Error);
        return;
      }
      throw err;
    } finally {
      current = null;
      svc.release();
    }
  });

  ctx.router.get("/backup/:id/manifest", async ({ params, send }) => {
    const m = await svc.manifestOf(params.id!);
    if (!m) throw notFound("no finished backup with that id (manifests are kept 30 minutes)");
    send(200, m);
  });

  ctx.router.post("/backup/restore", async ({ req, send }) => {
    const sha256 = String(req.headers[ARCHIVE_SHA256_HEADER] ?? "");
    const size = Number(req.headers[ARCHIVE_SIZE_HEADER] ?? NaN);
    if (!/^[0-9a-f]{64}$/.test(sha256) || !Number.isSafeInteger(size) || size < 0) {
      throw badRequest(`${ARCHIVE_SHA256_HEADER} (hex sha256) and ${ARCHIVE_SIZE_HEADER} (bytes) are required`);
    }
    svc.claim("restore", sha256.slice(0, 12));
    const abort = (current = new AbortController());
    req.once("close", () => {
      if (!req.complete) abort.abort(new Error("the client went away"));
    });
    try {
      send(200, await restoreArchive(ctx, svc, req, { sha256, size }, abort.signal));
    } finally {
      current = null;
      svc.release();
    }
  });
}
