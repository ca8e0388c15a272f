import { readdirSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";

/**
 * `npm run bench -- <name>` runs bench/<name>.ts; `--list` names them. Each benchmark prints, as its
 * last line, one JSON object: {"bench","ratio"|"value","unit","target","pass"} with its baseline
 * measured in the same run.
 */
const dir = path.dirname(new URL(import.meta.url).pathname);
const names = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .sort();
const arg = process.argv[2];
if (!arg || arg === "--list") {
  for (const n of names) console.log(n);
  process.exit(arg ? 0 : 2);
}
if (!names.includes(arg)) {
  console.error(`unknown benchmark "${arg}"; known: ${names.join(", ")}`);
  process.exit(2);
}
// Benchmarks that provision containers start the bundled agent: build it when stale.
spawnSync(process.execPath, [path.join(dir, "../scripts/build-agent.mjs"), "--quiet"], { stdio: "inherit" });
const r = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, `${arg}.ts`), ...process.argv.slice(3)], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? "production", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
});
process.exit(r.status ?? 1);
