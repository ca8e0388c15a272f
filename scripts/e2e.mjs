// Runs the Playwright suite against the real custom server (server.ts) in production mode.
//   node scripts/e2e.mjs [playwright args...]     e.g. node scripts/e2e.mjs e2e/auth.spec.ts
// Finds Chromium, builds Next only when its inputs changed, picks a free port and a fresh data folder.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ensureNextBuild } from "./next-build.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);

// One e2e run per checkout at a time: two would rebuild .next under each other.
if (process.env.ZLH_E2E_LOCKED !== "1" && !spawnSync("flock", ["--version"]).error) {
  const lock = path.join(os.tmpdir(), `zlh-e2e-${createHash("sha256").update(root).digest("hex").slice(0, 12)}.lock`);
  const free = spawnSync("flock", ["-n", lock, "true"]).status === 0;
  if (!free) console.log("e2e: another e2e run is using this checkout; waiting for it to finish…");
  const r = spawnSync("flock", [lock, process.execPath, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, ZLH_E2E_LOCKED: "1" },
  });
  process.exit(r.status ?? 1);
}

// 1. Chromium from Debian (Playwright's own download does not work offline).
const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(
    `e2e: no Chromium at ${chromium}.\n` +
      "Install Debian's Chromium:  apt-get update && apt-get install -y chromium\n" +
      "or point CHROMIUM_PATH at a Chromium/Chrome binary.",
  );
  process.exit(1);
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// 2. Production build, skipped when nothing it depends on changed since the last one.
run(process.execPath, ["scripts/setup.mjs"]);
if (process.env.E2E_SKIP_BUILD !== "1") ensureNextBuild("e2e");

// 3. A free port and a fresh data folder (its own embedded PostgreSQL), then Playwright.
const port = await new Promise((resolve, reject) => {
  const srv = net.createServer();
  srv.once("error", reject);
  srv.listen(0, "127.0.0.1", () => {
    const { port } = srv.address();
    srv.close(() => resolve(port));
  });
});
const dataDir = path.resolve(".data/e2e");
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
mkdirSync("test-results/screenshots", { recursive: true });

// The game the server specs create: flying-squid from the build cache (~/.cache/zeroLagHub), published
// into this run's store. Node runtimes are published from the cache by the portal's seed service.
if (process.env.E2E_SKIP_GAME_ARTIFACT !== "1") {
  run(process.execPath, ["--import", "tsx", "scripts/artifacts.ts", "build", "flying-squid", "--publish", "--data-dir", dataDir]);
}
// As root the portal runs real LXC containers: their template (cached like the other builds) goes
// into this run's store before the first server is created.
if (process.getuid?.() === 0 && [undefined, "", "lxc"].includes(process.env.ZLH_PROVIDER)) {
  run(process.execPath, ["--import", "tsx", "scripts/artifacts.ts", "build", "template-debian-12", "--publish", "--data-dir", dataDir]);
}

// Production mode requires real secrets: fresh ones per run (and the log scan below looks for them).
const runSecrets = { E2E_NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), E2E_SECRET_KEY: randomBytes(32).toString("hex") };
const playwright = spawnSync("npx", ["playwright", "test", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: {
    ...process.env,
    CHROMIUM_PATH: chromium,
    E2E_PORT: String(port),
    E2E_DATA_DIR: dataDir,
    ...runSecrets,
    // The portal also logs to a file at info level: scanned for credentials after the run.
    ZLH_LOG_FILE: path.join(dataDir, "logs", "portal.log"),
    NEXT_TELEMETRY_DISABLED: "1",
    // Crash restarts after 1 s instead of 30 s (the unisolated agents inherit it; lxc passes it as a flag).
    ZLH_GAME_BACKOFF_MS: process.env.ZLH_GAME_BACKOFF_MS ?? "1000,2000,4000",
  },
});
// Container agents run detached (they outlive a portal by design): stop this run's containers.
spawnSync(process.execPath, ["--import", "tsx", "scripts/stop-containers.ts", dataDir], { stdio: "inherit" });
// No log line of the whole run (portal, agents, games, code-server) may carry a credential.
const scan = spawnSync(process.execPath, ["--import", "tsx", "scripts/scan-logs.ts", dataDir], {
  stdio: "inherit",
  env: { ...process.env, ZLH_SCAN_SECRETS: [...Object.values(runSecrets), "sk_test_e2e_zerolaghub"].join(",") },
});
process.exit((playwright.status ?? 1) || (scan.status ?? 1));
