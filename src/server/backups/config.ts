import path from "node:path";
import { z } from "zod";
import type { BackupStore } from "./store";
import { LocalBackupStore } from "./store-local";
import { S3BackupStore } from "./store-s3";

/**
 * Backup store configuration (documented in .env.example). Without ZLH_BACKUP_S3_BUCKET backups go
 * to `<data>/backups`; with it, to that S3-compatible bucket (R2, MinIO, AWS ...).
 */
const schema = z.object({
  ZLH_DATA_DIR: z.string().min(1).default(".data"),
  ZLH_BACKUP_DIR: z.string().min(1).optional(),
  ZLH_BACKUP_S3_BUCKET: z.string().min(3).optional(),
  ZLH_BACKUP_S3_PREFIX: z.string().regex(/^([a-zA-Z0-9._-]+\/)*$/, "empty or ending in /").default("backups/"),
  ZLH_BACKUP_S3_REGION: z.string().min(1).default("auto"),
  ZLH_BACKUP_S3_ENDPOINT: z.url().optional(),
  ZLH_BACKUP_S3_FORCE_PATH_STYLE: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
  ZLH_BACKUP_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  ZLH_BACKUP_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
});

export function backupStoreFromEnv(env: NodeJS.ProcessEnv = process.env): BackupStore {
  const c = schema.parse(env);
  if (c.ZLH_BACKUP_S3_BUCKET) {
    return new S3BackupStore({
      bucket: c.ZLH_BACKUP_S3_BUCKET,
      prefix: c.ZLH_BACKUP_S3_PREFIX,
      region: c.ZLH_BACKUP_S3_REGION,
      endpoint: c.ZLH_BACKUP_S3_ENDPOINT,
      forcePathStyle: c.ZLH_BACKUP_S3_FORCE_PATH_STYLE,
      accessKeyId: c.ZLH_BACKUP_S3_ACCESS_KEY_ID,
      secretAccessKey: c.ZLH_BACKUP_S3_SECRET_ACCESS_KEY,
    });
  }
  return new LocalBackupStore(c.ZLH_BACKUP_DIR ?? path.join(path.resolve(c.ZLH_DATA_DIR), "backups"));
}

let store: BackupStore | null = null;
/** The process's backup store (tests may replace it with setBackupStore). */
export function backupStore(): BackupStore {
  return (store ??= backupStoreFromEnv());
}
export function setBackupStore(s: BackupStore | null): void {
  store = s;
}
