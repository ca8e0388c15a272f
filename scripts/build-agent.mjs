// Bundles the agent into agent/dist/main.mjs (one file, native modules external). A container's
// agent then boots in about a second instead of compiling TypeScript on every start. Rebuilt only
// when agent sources or the lockfile change.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = path.join(repo, "agent/src");
const outDir = path.join(repo, "agent/dist");
export const AGENT_BUNDLE = path.join(outDir, "main.mjs");

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return /\.test\.ts$/.test(d.name) ? [] : [p];
  });
}

function inputHash() {
  const h = createHash("sha256");
  for (const f of [...sources(srcDir).sort(), path.join(repo, "package-lock.json"), fileURLToPath(import.meta.url)]) {
    h.update(path.relative(repo, f)).update("\0").update(readFileSync(f));
  }
  return h.digest("hex");
}

/** Builds the bundle when stale; returns its path. */
export async function ensureAgentBundle({ quiet = false } = {}) {
  const want = inputHash();
  const stamp = path.join(outDir, ".inputs-sha256");
  if (existsSync(AGENT_BUNDLE) && existsSync(stamp) && readFileSync(stamp, "utf8") === want) return AGENT_BUNDLE;
  const { build } = await import("esbuild");
  const t0 = Date.now();
  mkdirSync(outDir, { recursive: true });
  const tmp = path.join(outDir, `main.${process.pid}.tmp.mjs`);
  await build({
    entryPoints: [path.join(srcDir, "main.ts")],
    outfile: tmp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Native addons load from node_modules at run time.
    external: ["node-pty", "ssh2", "cpu-features"],
    banner: { js: "import { createRequire as __zlhCreateRequire } from 'node:module'; const require = __zlhCreateRequire(import.meta.url);" },
    logLevel: "warning",
    sourcemap: "external",
  });
  // Files the agent spawns by path sit beside the bundle, as they sit beside their module in src.
  copyFileSync(path.join(srcDir, "game/wrapper.mjs"), path.join(outDir, "wrapper.mjs"));
  renameSync(tmp, AGENT_BUNDLE);
  writeFileSync(stamp, want);
  if (!quiet) process.stderr.write(`agent bundle built in ${Date.now() - t0} ms (${(statSync(AGENT_BUNDLE).size / 1e6).toFixed(1)} MB)\n`);
  return AGENT_BUNDLE;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await ensureAgentBundle({ quiet: process.argv.includes("--quiet") });
}
