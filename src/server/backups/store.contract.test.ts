import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupManifest } from "../../../agent/src/contract/backup";
import { startTestS3, type TestS3 } from "../../../test/support/s3-server";
import { ArchiveMismatchError, type BackupStore } from "./store";
import { LocalBackupStore } from "./store-local";
import { S3BackupStore } from "./store-s3";
import { retentionVictims } from "./retention";

/** The same contract for every backup store: the local folder and S3 (a real s3rver). */
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const manifestFor = (id: string, archive: Buffer): BackupManifest => ({
  version: 1,
  id,
  scope: "game",
  root: "/opt/zlh/game/server",
  createdAt: new Date().toISOString(),
  consistency: "save-off/save-all",
  archive: { format: "tar+gzip", size: archive.length, sha256: sha(archive) },
  totalBytes: archive.length,
  files: [{ path: "world/level.dat", size: archive.length, sha256: sha(archive), type: "file" }],
  durationMs: 1,
});
const collect = async (s: Readable) => Buffer.concat(await s.toArray());

/** A stream that yields `n` bytes of `data` and then fails, like a backup cut off mid-way. */
function failingAfter(data: Buffer, n: number): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(data.subarray(0, n));
      } else this.destroy(new Error("connection to the agent lost"));
    },
  });
}

let s3: TestS3;
let localDir: string;
const stores: Record<string, () => BackupStore> = {};

beforeAll(async () => {
  s3 = await startTestS3("zlh-backups");
  localDir = await mkdtemp(path.join(os.tmpdir(), "zlh-backup-store-"));
  stores.local = () => new LocalBackupStore(localDir);
  stores.s3 = () => new S3BackupStore({ bucket: s3.bucket, prefix: "backups/", region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
});

afterAll(async () => {
  await s3?.close();
  await rm(localDir, { recursive: true, force: true });
});

describe.each(["local", "s3"])("%s backup store", (kind) => {
  const server = `srv${kind}`;

  it("stores an archive (multi-part sized) with its manifest; lists, reads whole and by range, deletes", async () => {
    const store = stores[kind]!();
    const archive = randomBytes(9 * 1024 * 1024 + 123);
    const m = await store.put(server, "b-000001", Readable.from([archive.subarray(0, 5_000_000), archive.subarray(5_000_000)]), async (got) => {
      expect(got).toEqual({ size: archive.length, sha256: sha(archive) });
      return manifestFor("b-000001", archive);
    });
    expect(m.archive.sha256).toBe(sha(archive));
    const list = await store.list(server);
    expect(list.map((b) => [b.id, b.size])).toEqual([["b-000001", archive.length]]);
    expect((await store.manifest(server, "b-000001"))?.files[0]?.path).toBe("world/level.dat");

    const whole = await store.open(server, "b-000001");
    expect(whole!.size).toBe(archive.length);
    expect(sha(await collect(whole!.stream))).toBe(sha(archive));
    const part = await store.open(server, "b-000001", { start: 100, end: 199 });
    expect(await collect(part!.stream)).toEqual(archive.subarray(100, 200));

    await store.delete(server, "b-000001");
    await store.delete(server, "b-000001");
    expect(await store.list(server)).toEqual([]);
    expect(await store.open(server, "b-000001")).toBeNull();
    expect(await store.manifest(server, "b-000001")).toBeNull();
  }, 60_000);

  it("an interrupted upload leaves nothing in the listing", async () => {
    const store = stores[kind]!();
    const archive = randomBytes(12 * 1024 * 1024);
    await expect(store.put(server, "b-cut", failingAfter(archive, 10 * 1024 * 1024), async () => manifestFor("b-cut", archive))).rejects.toThrow(/connection to the agent lost/);
    expect(await store.list(server)).toEqual([]);
    expect(await store.open(server, "b-cut")).toBeNull();
    if (kind === "local") expect(await readdir(path.join(localDir, server))).toEqual([]);
  }, 60_000);

  it("refuses an archive that does not match its manifest and keeps nothing", async () => {
    const store = stores[kind]!();
    const archive = randomBytes(1000);
    const other = Buffer.from(archive);
    other[10] = other[10]! ^ 1;
    await expect(store.put(server, "b-badsum", Readable.from([other]), async () => manifestFor("b-badsum", archive))).rejects.toBeInstanceOf(ArchiveMismatchError);
    expect(await store.list(server)).toEqual([]);
  }, 60_000);

  it("lists oldest first, and retention removes the oldest first", async () => {
    const store = stores[kind]!();
    for (const id of ["r-000001", "r-000002", "r-000003"]) {
      const a = randomBytes(2048);
      await store.put(server, id, Readable.from([a]), async () => manifestFor(id, a));
      // Listing order comes from the store's own timestamps (second resolution on S3).
      await new Promise((r) => setTimeout(r, 1100));
    }
    const list = await store.list(server);
    expect(list.map((b) => b.id)).toEqual(["r-000001", "r-000002", "r-000003"]);
    for (const v of retentionVictims(list, { count: 2, bytes: 1e9 })) await store.delete(server, v.id);
    expect((await store.list(server)).map((b) => b.id)).toEqual(["r-000002", "r-000003"]);
  }, 60_000);

  it("refuses names that could leave the server's folder", async () => {
    const store = stores[kind]!();
    await expect(store.list("../etc")).rejects.toThrow(/unsafe/);
    await expect(store.open(server, "../../x")).rejects.toThrow(/unsafe/);
  });
});
