import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyCatalogSignature } from "../../../agent/src/contract/catalog-signature";
import { resolve } from "./catalog-ops";
import { signingKeyFile } from "./keys";
import {
  CATALOG_FILE,
  SIGNATURE_FILE,
  openStore,
  promoteInStore,
  publishFile,
  readCatalog,
  rollbackInStore,
  verifyStore,
  type Store,
} from "./store";

let tmp: string;
let store: Store;

function file(name: string, content: string): string {
  const f = path.join(tmp, name);
  writeFileSync(f, content);
  return f;
}

const meta = (version: string) => ({ kind: "runtime" as const, name: "demo", version, bin: ["bin"] });

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "zlh-store-test-"));
  store = await openStore(path.join(tmp, "data"));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("the local store", () => {
  it("starts with a signed empty catalog and a private key only root can read", () => {
    const bytes = readFileSync(path.join(store.dir, CATALOG_FILE));
    expect(JSON.parse(bytes.toString()).artifacts).toEqual([]);
    expect(verifyCatalogSignature(bytes, readFileSync(path.join(store.dir, SIGNATURE_FILE), "utf8"), store.publicKey)).toBe(true);
    expect(statSync(signingKeyFile(store.dataDir)).mode & 0o777).toBe(0o600);
  });

  it("keeps the same key across opens", async () => {
    const again = await openStore(store.dataDir);
    expect(again.publicKey).toBe(store.publicKey);
  });

  it("publishes with hash, size and location, and re-signs", async () => {
    const f = file("demo-1.0.0.tar.gz", "one");
    const r = await publishFile(store, f, meta("1.0.0"), ["stable"]);
    expect(r.added).toBe(true);
    expect(r.entry).toMatchObject({
      url: "runtime/demo/1.0.0/demo-1.0.0.tar.gz",
      sha256: createHash("sha256").update("one").digest("hex"),
      size: 3,
      os: "linux",
      arch: "x64",
    });
    expect(readFileSync(path.join(store.dir, r.entry.url), "utf8")).toBe("one");
    const bytes = readFileSync(path.join(store.dir, CATALOG_FILE));
    expect(verifyCatalogSignature(bytes, readFileSync(path.join(store.dir, SIGNATURE_FILE), "utf8"), store.publicKey)).toBe(true);
  });

  it("is idempotent for the same bytes and refuses different bytes for a published version", async () => {
    await publishFile(store, file("demo-1.0.0.tar.gz", "one"), meta("1.0.0"), ["stable"]);
    const again = await publishFile(store, file("demo-1.0.0.tar.gz", "one"), meta("1.0.0"), ["stable"]);
    expect(again.added).toBe(false);
    await expect(publishFile(store, file("demo-1.0.0.tar.gz", "two"), meta("1.0.0"), ["stable"])).rejects.toThrow(
      /already published with sha256/,
    );
    expect(readFileSync(path.join(store.dir, "runtime/demo/1.0.0/demo-1.0.0.tar.gz"), "utf8")).toBe("one");
    expect(readCatalog(store.dir).artifacts).toHaveLength(1);
  });

  it("serializes concurrent publishes: every entry lands", async () => {
    await Promise.all(
      ["1.0.0", "1.1.0", "1.2.0", "1.3.0"].map((v) => publishFile(store, file(`demo-${v}.tar.gz`, v), meta(v), ["beta"])),
    );
    const cat = readCatalog(store.dir);
    expect(cat.artifacts.map((a) => a.version).sort()).toEqual(["1.0.0", "1.1.0", "1.2.0", "1.3.0"]);
    // Landing order varies; a channel never moves back to an older version, so beta ends on the newest.
    expect(cat.channels.demo?.beta?.at(-1)).toBe("1.3.0");
  });

  it("promote and rollback change what a new install resolves to", async () => {
    await publishFile(store, file("demo-1.0.0.tar.gz", "one"), meta("1.0.0"), ["stable"]);
    await publishFile(store, file("demo-2.0.0.tar.gz", "two"), meta("2.0.0"), ["beta"]);
    expect(resolve(readCatalog(store.dir), { name: "demo" }).version).toBe("1.0.0");
    await promoteInStore(store, "demo", "2.0.0", "stable");
    expect(resolve(readCatalog(store.dir), { name: "demo" }).version).toBe("2.0.0");
    await rollbackInStore(store, "demo", "stable");
    expect(resolve(readCatalog(store.dir), { name: "demo" }).version).toBe("1.0.0");
  });

  it("verify finds a corrupted and a missing file", async () => {
    const a = await publishFile(store, file("demo-1.0.0.tar.gz", "one"), meta("1.0.0"), ["stable"]);
    const b = await publishFile(store, file("demo-2.0.0.tar.gz", "two"), meta("2.0.0"), ["stable"]);
    expect((await verifyStore(store.dir, store.publicKey)).ok).toBe(true);

    writeFileSync(path.join(store.dir, a.entry.url), "oNe");
    await rm(path.join(store.dir, b.entry.url));
    const report = await verifyStore(store.dir, store.publicKey);
    expect(report.ok).toBe(false);
    expect(report.items.map((i) => i.status)).toEqual(["mismatch", "missing"]);
    expect(report.items[0]).toMatchObject({ message: expect.stringContaining(`expected sha256 ${a.entry.sha256}`) });
  });

  it("a tampered catalog no longer matches its signature", async () => {
    await publishFile(store, file("demo-1.0.0.tar.gz", "one"), meta("1.0.0"), ["stable"]);
    const catFile = path.join(store.dir, CATALOG_FILE);
    const tampered = readFileSync(catFile, "utf8").replace(/"size": 3/, '"size": 4');
    writeFileSync(catFile, tampered);
    const sig = readFileSync(path.join(store.dir, SIGNATURE_FILE), "utf8");
    expect(verifyCatalogSignature(Buffer.from(tampered), sig, store.publicKey)).toBe(false);
    const report = await verifyStore(store.dir, store.publicKey);
    expect(report.signature).toEqual({ ok: false, message: "catalog.json does not match catalog.json.sig" });
    expect(report.ok).toBe(false);
  });
});
