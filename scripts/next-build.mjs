// The production build of the portal (.next), rebuilt only when its inputs changed. Shared by the
// e2e runner and the fault suite, which both run the real server.ts in production mode.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const inputs = ["src", "public", "agent/src", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];
const stamp = ".next/zlh-e2e-build-hash";

function hashInputs() {
  const h = createHash("sha256");
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(path.join(p, name));
    } else if (!/\.test\.tsx?$/.test(p)) {
      h.update(p).update("\0").update(readFileSync(p)).update("\0");
    }
  };
  for (const p of inputs) walk(p);
  return h.digest("hex");
}

/** Runs from the repository root. Exits the process when the build fails. */
export function ensureNextBuild(label = "build") {
  const want = hashInputs();
  if (existsSync(".next/BUILD_ID") && existsSync(stamp) && readFileSync(stamp, "utf8") === want) {
    console.log(`${label}: production build is up to date`);
    return;
  }
  const t0 = Date.now();
  console.log(`${label}: building (next build)…`);
  const r = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(stamp, want);
  console.log(`${label}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
