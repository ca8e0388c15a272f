import type { Catalog } from "../../../agent/src/contract/catalog";
import { discoverBuilders } from "../../../scripts/artifacts/registry";
import type { Service } from "../lifecycle";
import { logger } from "../log/logger";
import { defaultProviderKind } from "../provisioning/providers/select";
import { createBuildRunner, type BuildRunner } from "./build-runner";
import { enqueueBuild, recordUnbuildable } from "./build-queue";
import { artifactsConfig, type ArtifactsConfig } from "./config";
import { defaultBuildJobs, type BuilderInfo, type DefaultJob } from "./defaults";
import { openStore, readCatalog } from "./store";

/**
 * The first run: on a fresh machine `npm run dev` must end up offering everything the product
 * does (Node, the game, the IDE, Python, Java, the container template) without anyone running the
 * CLI. At start every default artifact missing from the local store is queued; the build runner
 * prepares them one at a time in the background, reusing the build cache (~/.cache/zeroLagHub),
 * while the portal already serves and the wizard shows their progress.
 */
export type SeedPlan = { seed: false; reason: string } | { seed: true; queue: DefaultJob[]; unbuildable: DefaultJob[] };

export function planSeed(config: Pick<ArtifactsConfig, "ZLH_ARTIFACTS_URL" | "ZLH_SEED_ARTIFACTS">, catalog: Catalog, jobs: DefaultJob[]): SeedPlan {
  if (config.ZLH_ARTIFACTS_URL) return { seed: false, reason: `artifacts come from ${config.ZLH_ARTIFACTS_URL}` };
  if (config.ZLH_SEED_ARTIFACTS === "0") return { seed: false, reason: "ZLH_SEED_ARTIFACTS=0" };
  const only = config.ZLH_SEED_ARTIFACTS === "1" ? null : new Set(config.ZLH_SEED_ARTIFACTS.split(","));
  const have = new Set(catalog.artifacts.map((a) => `${a.name}@${a.version}`));
  const missing = jobs.filter((j) => (!only || only.has(j.name)) && !have.has(`${j.name}@${j.version}`));
  return { seed: true, queue: missing.filter((j) => !j.unavailable), unbuildable: missing.filter((j) => j.unavailable) };
}

async function builderInfos(): Promise<BuilderInfo[]> {
  const { builders, broken } = await discoverBuilders();
  for (const b of broken) logger.warn({ file: b.file, error: b.error }, "artifact builder did not load");
  return Promise.all(
    builders.map(async (b) => ({ name: b.name, kind: b.kind, versions: await b.versions(), available: await Promise.resolve(b.available()).catch((e: Error) => e.message) })),
  );
}

export function createArtifactSeedService(): Service {
  const log = logger.child({ component: "artifact-seed" });
  let runner: BuildRunner | undefined;
  return {
    name: "artifact-seed",
    async start() {
      const config = artifactsConfig();
      if (config.ZLH_ARTIFACTS_URL) {
        log.info({ url: config.ZLH_ARTIFACTS_URL }, "artifacts served elsewhere: no first-run builds, no build runner");
        return;
      }
      // Opening creates the signed empty catalog, so /artifacts/catalog.json answers from the start.
      const store = await openStore(config.dataDir);
      const templateFirst = (process.env.ZLH_PROVIDER || defaultProviderKind()) === "lxc";
      const plan = planSeed(config, readCatalog(store.dir), defaultBuildJobs(await builderInfos(), { templateFirst }));
      if (!plan.seed) log.info({ reason: plan.reason }, "not preparing default artifacts");
      else {
        for (const j of plan.unbuildable) {
          await recordUnbuildable({ name: j.name, version: j.version, kind: j.kind, source: "first-run", reason: `cannot be built on this machine: ${j.unavailable}` });
        }
        for (const j of plan.queue) await enqueueBuild({ name: j.name, version: j.version, kind: j.kind, source: "first-run" });
        if (plan.queue.length) log.info({ queued: plan.queue.map((j) => `${j.name}@${j.version}`) }, "preparing default artifacts in the background");
      }
      runner = createBuildRunner({ dataDir: config.dataDir, cacheDir: config.cacheDir });
      runner.start();
    },
    async stop() {
      await runner?.stop();
      runner = undefined;
    },
  };
}

export const artifactSeedService = createArtifactSeedService();
