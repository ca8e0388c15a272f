import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { signCatalog, verifyCatalogSignature } from "../../../agent/src/contract/catalog-signature";
import type { ArtifactEntry, Catalog, Channel } from "../../../agent/src/contract/catalog";
import {
  CatalogError,
  addEntry,
  emptyCatalog,
  entryLabel,
  parseCatalog,
  promote,
  rollback,
  safeFileName,
  storePath,
  type ChannelChange,
} from "./catalog-ops";
import { storeDirOf } from "./config";
import { publicKeyOf, signingKeyPem } from "./keys";

/**
 * The local artifact store on disk: <data>/artifacts/{catalog.json, catalog.json.sig,
 * <kind>/<name>/<version>/<file>}. Every change is read-modify-write under a lock file, written
 * atomically (temp + rename) and re-signed.
 */
export const CATALOG_FILE = "catalog.json";
export const SIGNATURE_FILE = "catalog.json.sig";
const LOCK_FILE = ".catalog.lock";
const INCOMING_DIR = ".incoming";

export type Store = { dataDir: string; dir: string; privateKeyPem: string; publicKey: string };

/** Opens (and on first use creates) the store: signing key, empty signed catalog. */
export async function openStore(dataDir: string): Promise<Store> {
  const privateKeyPem = signingKeyPem(dataDir)!;
  const store: Store = { dataDir, dir: storeDirOf(dataDir), privateKeyPem, publicKey: publicKeyOf(privateKeyPem) };
  mkdirSync(store.dir, { recursive: true });
  if (!existsSync(path.join(store.dir, CATALOG_FILE))) {
    await withStoreLock(store.dir, async () => {
      if (!existsSync(path.join(store.dir, CATALOG_FILE))) writeCatalog(store, emptyCatalog());
    });
  }
  return store;
}

export function catalogBytes(catalog: Catalog): Buffer {
  return Buffer.from(`${JSON.stringify(catalog, null, 2)}\n`);
}

/** Reads and validates catalog.json; a missing file reads as the empty catalog. */
export function readCatalog(storeDir: string): Catalog {
  const file = path.join(storeDir, CATALOG_FILE);
  if (!existsSync(file)) return emptyCatalog(new Date(0));
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CatalogError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseCatalog(raw);
}

function writeFileAtomic(file: string, data: Buffer | string): void {
  const tmp = `${path.dirname(file)}/.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(tmp, "w", 0o644);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Writes catalog.json and its signature. Readers between the two renames can pair the new catalog
 * with the old signature for a moment; agents retry a mismatch once before refusing.
 */
export function writeCatalog(store: Store, catalog: Catalog): Buffer {
  const bytes = catalogBytes(parseCatalog(catalog));
  const sig = signCatalog(bytes, store.privateKeyPem);
  writeFileAtomic(path.join(store.dir, CATALOG_FILE), bytes);
  writeFileAtomic(path.join(store.dir, SIGNATURE_FILE), `${sig}\n`);
  return bytes;
}

/** Serializes catalog changes across processes (the portal's seeder and the CLI). */
export async function withStoreLock<T>(storeDir: string, fn: () => Promise<T> | T, timeoutMs = 120_000): Promise<T> {
  const lock = path.join(storeDir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  mkdirSync(storeDir, { recursive: true });
  for (;;) {
    try {
      const fd = openSync(lock, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (lockIsStale(lock)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`artifact store is locked (${lock}); another publish is running`);
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return statSync(lock).mtimeMs < Date.now() - 10_000;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ESRCH" || code === "ENOENT";
  }
}

export type HashProgress = (done: number, total: number) => void;

/** sha256 (hex) and size of a file, streamed. */
export async function hashFile(file: string, onProgress?: HashProgress): Promise<{ sha256: string; size: number }> {
  const total = statSync(file).size;
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
    onProgress?.(size, total);
  }
  return { sha256: hash.digest("hex"), size };
}

/** Copies a file while hashing the bytes actually written (so the hash describes the store's copy). */
async function copyHashing(src: string, dest: string, onProgress?: HashProgress): Promise<{ sha256: string; size: number }> {
  const total = statSync(src).size;
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      onProgress?.(size, total);
      cb(null, chunk);
    },
  });
  await pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), tap, createWriteStream(dest, { mode: 0o644 }));
  return { sha256: hash.digest("hex"), size };
}

export type PublishMeta = Omit<ArtifactEntry, "url" | "sha256" | "size" | "os" | "arch" | "bin" | "publishedAt"> &
  Partial<Pick<ArtifactEntry, "os" | "arch" | "bin">>;

export type PublishResult = { entry: ArtifactEntry; added: boolean; path: string; skippedChannels: Channel[] };

/**
 * Publishes a file: copies it into <kind>/<name>/<version>/, hashes it, adds the catalog entry and
 * pushes the version onto `channels`. Idempotent for the same bytes; refuses different bytes under
 * an existing name@version.
 */
export async function publishFile(
  store: Store,
  file: string,
  meta: PublishMeta,
  channels: Channel[],
  onProgress?: HashProgress,
): Promise<PublishResult> {
  const fileName = path.basename(file);
  if (!safeFileName(fileName)) throw new CatalogError(`unsafe artifact file name "${fileName}"`);
  if (!existsSync(file) || !statSync(file).isFile()) throw new CatalogError(`${file} is not a file`);
  const rel = storePath(meta, fileName);
  const incoming = path.join(store.dir, INCOMING_DIR);
  mkdirSync(incoming, { recursive: true });
  const tmp = path.join(incoming, `${randomBytes(8).toString("hex")}-${fileName}`);
  try {
    const { sha256, size } = await copyHashing(file, tmp, onProgress);
    if (size === 0) throw new CatalogError(`${file} is empty`);
    return await withStoreLock(store.dir, () => {
      const current = readCatalog(store.dir);
      const candidate: ArtifactEntry = {
        os: "linux",
        arch: "x64",
        bin: [],
        ...meta,
        url: rel,
        sha256,
        size,
        publishedAt: new Date().toISOString(),
      };
      const result = addEntry(current, candidate, channels);
      const dest = path.join(store.dir, rel);
      const existingUrl = result.entry.url;
      if (result.added) {
        mkdirSync(path.dirname(dest), { recursive: true });
        renameSync(tmp, dest);
        writeCatalog(store, result.catalog);
        return { entry: result.entry, added: true, path: dest, skippedChannels: result.skippedChannels };
      }
      // Same bytes again: nothing changes, but a missing store copy is put back.
      const existingFile = isRemote(existingUrl) ? undefined : path.join(store.dir, existingUrl);
      if (existingFile && !existsSync(existingFile)) {
        mkdirSync(path.dirname(existingFile), { recursive: true });
        renameSync(tmp, existingFile);
      }
      return { entry: result.entry, added: false, path: existingFile ?? existingUrl, skippedChannels: [] };
    });
  } finally {
    rmSync(tmp, { force: true });
  }
}

export async function promoteInStore(store: Store, name: string, version: string, channel: Channel): Promise<ChannelChange> {
  return withStoreLock(store.dir, () => {
    const change = promote(readCatalog(store.dir), name, version, channel);
    if (change.changed) writeCatalog(store, change.catalog);
    return change;
  });
}

export async function rollbackInStore(store: Store, name: string, channel: Channel): Promise<ChannelChange> {
  return withStoreLock(store.dir, () => {
    const change = rollback(readCatalog(store.dir), name, channel);
    writeCatalog(store, change.catalog);
    return change;
  });
}

/** Re-signs the current catalog (after the signing key changed), validating it first. */
export async function resignStore(store: Store): Promise<void> {
  await withStoreLock(store.dir, () => void writeCatalog(store, readCatalog(store.dir)));
}

export function isRemote(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** Absolute path of a store-relative URL, or undefined when it would leave the store. */
export function storeFile(storeDir: string, rel: string): string | undefined {
  const abs = path.resolve(storeDir, rel);
  return abs.startsWith(storeDir + path.sep) ? abs : undefined;
}

export type VerifyItem =
  | { status: "ok"; entry: ArtifactEntry }
  | { status: "missing"; entry: ArtifactEntry; message: string }
  | { status: "mismatch"; entry: ArtifactEntry; message: string }
  | { status: "remote"; entry: ArtifactEntry; message: string };

export type VerifyReport = {
  catalog: { ok: boolean; message: string };
  signature: { ok: boolean; message: string };
  items: VerifyItem[];
  /** Files in the store that no catalog entry names (left by interrupted publishes). */
  orphans: string[];
  ok: boolean;
};

/** Rehashes every local artifact against the catalog and checks the catalog's signature. */
export async function verifyStore(storeDir: string, publicKey: string | undefined, onItem?: (i: VerifyItem) => void): Promise<VerifyReport> {
  const report: VerifyReport = {
    catalog: { ok: true, message: "valid" },
    signature: { ok: true, message: "not checked (no key)" },
    items: [],
    orphans: [],
    ok: true,
  };
  let catalog: Catalog;
  try {
    catalog = readCatalog(storeDir);
  } catch (err) {
    report.catalog = { ok: false, message: (err as Error).message };
    report.ok = false;
    return report;
  }
  const catFile = path.join(storeDir, CATALOG_FILE);
  const sigFile = path.join(storeDir, SIGNATURE_FILE);
  if (publicKey && existsSync(catFile)) {
    const ok = existsSync(sigFile) && verifyCatalogSignature(readFileSync(catFile), readFileSync(sigFile, "utf8"), publicKey);
    report.signature = ok
      ? { ok, message: "valid ed25519 signature" }
      : { ok, message: existsSync(sigFile) ? "catalog.json does not match catalog.json.sig" : "catalog.json.sig is missing" };
  }
  const referenced = new Set<string>();
  for (const entry of catalog.artifacts) {
    let item: VerifyItem;
    const file = isRemote(entry.url) ? undefined : storeFile(storeDir, entry.url);
    if (isRemote(entry.url)) {
      item = { status: "remote", entry, message: `hosted at ${entry.url}, not checked here` };
    } else if (!file || !existsSync(file)) {
      item = { status: "missing", entry, message: `${entry.url} is missing from the store` };
    } else {
      referenced.add(file);
      const got = await hashFile(file);
      item =
        got.sha256 === entry.sha256 && got.size === entry.size
          ? { status: "ok", entry }
          : {
              status: "mismatch",
              entry,
              message: `${entryLabel(entry)}: expected sha256 ${entry.sha256} (${entry.size} bytes), file has ${got.sha256} (${got.size} bytes)`,
            };
    }
    report.items.push(item);
    onItem?.(item);
  }
  report.orphans = listArtifactFiles(storeDir).filter((f) => !referenced.has(f));
  report.ok = report.catalog.ok && report.signature.ok && report.items.every((i) => i.status === "ok" || i.status === "remote");
  return report;
}

function listArtifactFiles(storeDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (!existsSync(dir)) return;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.name.startsWith(".")) continue;
      const full = path.join(dir, d.name);
      if (d.isDirectory() && depth < 3) walk(full, depth + 1);
      else if (d.isFile() && depth === 3) out.push(full);
    }
  };
  for (const kind of ["runtime", "service", "game", "mod"]) walk(path.join(storeDir, kind), 1);
  return out.sort();
}
