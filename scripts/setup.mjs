// Run before dev, build and test: regenerates the Prisma client only when the schema changed.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

const schema = readFileSync("prisma/schema.prisma");
const want = createHash("sha256").update(schema).update(readFileSync("package-lock.json")).digest("hex");
const stamp = "src/generated/prisma/.schema-hash";
if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== want) {
  const r = spawnSync(process.execPath, ["scripts/prisma-generate.mjs"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(stamp, want);
}

// The agent bundle that the local provider starts per container (rebuilt only when stale).
const { ensureAgentBundle } = await import("./build-agent.mjs");
await ensureAgentBundle({ quiet: true });
