import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nodeTarballPath } from "../../../scripts/artifacts/builders/node";
import { emptyCatalog, addEntry, resolve } from "./catalog-ops";
import { createArtifactSeedService, planSeed } from "./seed";
import { readCatalog } from "./store";

const config = { ZLH_ARTIFACTS_URL: undefined, ZLH_SEED_ARTIFACTS: "1" as const };

describe("planSeed", () => {
  it("seeds an empty local store: cached versions now, the rest in the background", () => {
    expect(planSeed(config, emptyCatalog(), ["22.0.0", "24.0.0"], (v) => v === "22.0.0")).toEqual({
      seed: true,
      fromCache: ["22.0.0"],
      toBuild: ["24.0.0"],
    });
  });

  it("skips a remote store, ZLH_SEED_ARTIFACTS=0 and a store that already has node", () => {
    expect(planSeed({ ...config, ZLH_ARTIFACTS_URL: "https://r2.example/zlh/" }, emptyCatalog(), ["22.0.0"], () => false)).toMatchObject({
      seed: false,
    });
    expect(planSeed({ ...config, ZLH_SEED_ARTIFACTS: "0" }, emptyCatalog(), ["22.0.0"], () => false)).toEqual({
      seed: false,
      reason: "ZLH_SEED_ARTIFACTS=0",
    });
    const withNode = addEntry(
      emptyCatalog(),
      { kind: "runtime", name: "node", version: "20.0.0", os: "linux", arch: "x64", url: "x", sha256: "a".repeat(64), size: 1, bin: [] },
      ["stable"],
    ).catalog;
    expect(planSeed(config, withNode, ["22.0.0"], () => false)).toEqual({ seed: false, reason: "the store already has a node runtime" });
  });
});

describe("the seed service", () => {
  let tmp: string;
  const saved = { ...process.env };

  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "zlh-seed-test-"));
    process.env.ZLH_DATA_DIR = path.join(tmp, "data");
    process.env.ZLH_CACHE_DIR = path.join(tmp, "cache");
    delete process.env.ZLH_ARTIFACTS_URL;
    delete process.env.ZLH_SEED_ARTIFACTS;
    delete process.env.ZLH_ARTIFACTS_SIGNING_KEY;
  });
  afterEach(async () => {
    process.env = { ...saved };
    await rm(tmp, { recursive: true, force: true });
  });

  it("publishes cached Node builds to stable before the portal starts serving", async () => {
    // Stand-ins for finished builds in the cache: the service publishes them as they are.
    for (const version of ["22.23.3", "24.21.0"]) {
      const file = nodeTarballPath(path.join(tmp, "cache"), version);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `node ${version} tarball`);
      const entry = { kind: "runtime", name: "node", version, os: "linux", arch: "x64", bin: ["bin"] };
      writeFileSync(`${file}.entry.json`, JSON.stringify(entry));
    }
    const service = createArtifactSeedService();
    await service.start();
    await service.stop();
    const catalog = readCatalog(path.join(tmp, "data", "artifacts"));
    expect(catalog.artifacts.map((a) => a.version).sort()).toEqual(["22.23.3", "24.21.0"]);
    // Stable ends on the newest LTS whatever order they were published in.
    expect(resolve(catalog, { name: "node" })).toMatchObject({ version: "24.21.0", url: "runtime/node/24.21.0/node-24.21.0-linux-x64.tar.gz" });

    // Started again on a store that has node: nothing to do.
    const again = createArtifactSeedService();
    await again.start();
    expect(readCatalog(path.join(tmp, "data", "artifacts")).artifacts).toHaveLength(2);
  });

  it("with ZLH_SEED_ARTIFACTS=0 only creates the empty signed catalog", async () => {
    process.env.ZLH_SEED_ARTIFACTS = "0";
    await createArtifactSeedService().start();
    expect(readCatalog(path.join(tmp, "data", "artifacts")).artifacts).toEqual([]);
  });
});
