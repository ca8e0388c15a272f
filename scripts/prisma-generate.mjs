// Generates the Prisma client without downloading engines: the client runs on @prisma/adapter-pg,
// and generate only needs the schema engine's path to exist (it never runs it).
import { spawnSync } from "node:child_process";
import path from "node:path";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("scripts/prisma-engine-stub.sh");
const r = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(r.status ?? 1);
