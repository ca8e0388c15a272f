// The fault suite: `npm run test:faults`. Real portal processes (production build), agents,
// PostgreSQL restarts and full disks; vitest with vitest.faults.config.ts. Shares the e2e runner's
// lock (both use .next) so the two never rebuild it under each other.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { ensureNextBuild } from "./next-build.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);

if (process.env.ZLH_E2E_LOCKED !== "1" && !spawnSync("flock", ["--version"]).error) {
  const lock = path.join(os.tmpdir(), `zlh-e2e-${createHash("sha256").update(root).digest("hex").slice(0, 12)}.lock`);
  const r = spawnSync("flock", [lock, process.execPath, ...process.argv.slice(1)], { stdio: "inherit", env: { ...process.env, ZLH_E2E_LOCKED: "1" } });
  process.exit(r.status ?? 1);
}

if (process.getuid?.() !== 0) {
  console.error("test:faults: run as root (it mounts a small filesystem and signals container processes).");
  process.exit(1);
}
const setup = spawnSync(process.execPath, ["scripts/setup.mjs"], { stdio: "inherit" });
if (setup.status !== 0) process.exit(setup.status ?? 1);
ensureNextBuild("faults");
const r = spawnSync("npx", ["vitest", "run", "--config", "vitest.faults.config.ts", ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
