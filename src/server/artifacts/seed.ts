import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Catalog } from "../../../agent/src/contract/catalog";
import { NODE_VERSIONS, nodeBuilder, nodeTarballPath } from "../../../scripts/artifacts/builders/node";
import type { Service } from "../lifecycle";
import { logger } from "../log/logger";
import { artifactsConfig, type ArtifactsConfig } from "./config";
import { openStore, publishFile, readCatalog } from "./store";

/**
 * On a fresh machine the portal must offer Node runtimes without anyone running the CLI. When the
 * local store has no node runtime, versions already built in the cache are published at once
 * (a copy and a hash: about a second each), and the rest are built by the artifacts CLI in a child
 * process while the portal is already serving.
 */

export type SeedPlan =
  | { seed: false; reason: string }
  | { seed: true; fromCache: string[]; toBuild: string[] };

export function planSeed(
  config: Pick<ArtifactsConfig, "ZLH_ARTIFACTS_URL" | "ZLH_SEED_ARTIFACTS">,
  catalog: Catalog,
  versions: readonly string[],
  isCached: (version: string) => boolean,
): SeedPlan {
  if (config.ZLH_ARTIFACTS_URL) return { seed: false, reason: `artifacts come from ${config.ZLH_ARTIFACTS_URL}` };
  if (config.ZLH_SEED_ARTIFACTS === "0") return { seed: false, reason: "ZLH_SEED_ARTIFACTS=0" };
  if (catalog.artifacts.some((a) => a.kind === "runtime" && a.name === "node")) {
    return { seed: false, reason: "the store already has a node runtime" };
  }
  return { seed: true, fromCache: versions.filter(isCached), toBuild: versions.filter((v) => !isCached(v)) };
}

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CLI = path.join(PROJECT_ROOT, "scripts", "artifacts.ts");

export function createArtifactSeedService(): Service {
  const log = logger.child({ component: "artifact-seed" });
  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;

  return {
    name: "artifact-seed",
    async start() {
      const config = artifactsConfig();
      if (config.ZLH_ARTIFACTS_URL) {
        log.info({ url: config.ZLH_ARTIFACTS_URL }, "artifacts served elsewhere: not seeding the local store");
        return;
      }
      // Opening creates the signed empty catalog, so /artifacts/catalog.json answers from the start.
      const store = await openStore(config.dataDir);
      const plan = planSeed(config, readCatalog(store.dir), NODE_VERSIONS, (v) =>
        existsSync(`${nodeTarballPath(config.cacheDir, v)}.entry.json`),
      );
      if (!plan.seed) {
        log.info({ reason: plan.reason }, "not seeding Node runtimes");
        return;
      }
      for (const version of plan.fromCache) {
        const t0 = Date.now();
        const built = await nodeBuilder.build({ version, cacheDir: config.cacheDir, onProgress: () => {} });
        const { publishedAt: _ignored, ...entry } = built.entry;
        const r = await publishFile(store, built.file, entry, ["stable"]);
        log.info({ version, size: r.entry.size, ms: Date.now() - t0 }, `published cached node ${version}`);
      }
      if (plan.toBuild.length === 0) return;
      const args = ["--import", "tsx", CLI, "build", ...plan.toBuild.map((v) => `node@${v}`), "--publish"];
      log.info({ versions: plan.toBuild }, "building Node runtimes in the background (npm run artifacts -- build node --publish)");
      const proc = spawn(process.execPath, args, {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ZLH_DATA_DIR: config.dataDir },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = proc;
      const t0 = Date.now();
      for (const stream of [proc.stdout, proc.stderr]) {
        createInterface({ input: stream }).on("line", (line) => log.info({ progress: line }, "seeding"));
      }
      exited = new Promise((resolve) => {
        proc.on("error", (err) => {
          log.error({ err }, "could not start the artifacts CLI");
          resolve();
        });
        proc.on("exit", (code, signal) => {
          child = undefined;
          if (code === 0) log.info({ ms: Date.now() - t0 }, "Node runtimes seeded");
          else if (!signal) log.error({ code }, "seeding Node runtimes failed: run `npm run artifacts -- build node --publish`");
          resolve();
        });
      });
    },
    async stop() {
      if (!child) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export const artifactSeedService = createArtifactSeedService();
