import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { backupManifestSchema, type BackupManifest } from "../../../agent/src/contract/backup";
import { assertSafeName, checkArchive, type ArchiveRange, type BackupStore, type ManifestSource, type OpenedArchive, type StoredBackup } from "./store";

async function fsyncFile(file: string): Promise<void> {
  const fh = await open(file, "r+");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Backups in a local folder (`<data>/backups` by default). Archives are written under a dot-temp
 * name, fsynced and renamed; the manifest follows the same way and makes the backup visible.
 */
export class LocalBackupStore implements BackupStore {
  readonly kind = "local" as const;
  constructor(readonly dir: string) {}

  private paths(serverId: string, id: string) {
    assertSafeName(serverId);
    assertSafeName(id);
    const d = path.join(this.dir, serverId);
    return { dir: d, archive: path.join(d, `${id}.tar.gz`), manifest: path.join(d, `${id}.json`) };
  }

  async put(serverId: string, id: string, archive: Readable, manifestOf: ManifestSource, signal?: AbortSignal): Promise<BackupManifest> {
    const p = this.paths(serverId, id);
    await mkdir(p.dir, { recursive: true });
    const tag = randomBytes(6).toString("hex");
    const tmpArchive = path.join(p.dir, `.${id}.tar.gz.${tag}.tmp`);
    const tmpManifest = path.join(p.dir, `.${id}.json.${tag}.tmp`);
    try {
      const hash = createHash("sha256");
      let size = 0;
      const count = new Transform({
        transform(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      await pipeline(archive, count, createWriteStream(tmpArchive, { flags: "wx", mode: 0o600 }), { signal });
      const got = { size, sha256: hash.digest("hex") };
      const manifest = backupManifestSchema.parse(await manifestOf(got));
      checkArchive(manifest, got);
      await fsyncFile(tmpArchive);
      const fh = await open(tmpManifest, "wx", 0o600);
      try {
        await fh.writeFile(JSON.stringify(manifest));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmpArchive, p.archive);
      await rename(tmpManifest, p.manifest);
      return manifest;
    } finally {
      await rm(tmpArchive, { force: true });
      await rm(tmpManifest, { force: true });
    }
  }

  async list(serverId: string): Promise<StoredBackup[]> {
    const p = this.paths(serverId, "x");
    const names = await readdir(p.dir).catch(() => [] as string[]);
    const out: StoredBackup[] = [];
    for (const n of names) {
      if (n.startsWith(".") || !n.endsWith(".json")) continue;
      const id = n.slice(0, -5);
      const [a, m] = await Promise.all([stat(path.join(p.dir, `${id}.tar.gz`)).catch(() => null), stat(path.join(p.dir, n)).catch(() => null)]);
      if (a && m) out.push({ id, size: a.size, createdAt: m.mtime });
    }
    return out.sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || x.id.localeCompare(y.id));
  }

  async manifest(serverId: string, id: string): Promise<BackupManifest | null> {
    const raw = await readFile(this.paths(serverId, id).manifest, "utf8").catch(() => null);
    return raw === null ? null : backupManifestSchema.parse(JSON.parse(raw));
  }

  async open(serverId: string, id: string, range?: ArchiveRange): Promise<OpenedArchive | null> {
    const p = this.paths(serverId, id);
    const [a, m] = await Promise.all([stat(p.archive).catch(() => null), stat(p.manifest).catch(() => null)]);
    if (!a || !m) return null;
    const stream = createReadStream(p.archive, range ? { start: range.start, end: range.end } : {});
    return { stream, size: a.size, range: range ?? null };
  }

  async delete(serverId: string, id: string): Promise<void> {
    const p = this.paths(serverId, id);
    await rm(p.manifest, { force: true });
    await rm(p.archive, { force: true });
  }
}
