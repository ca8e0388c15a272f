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

// As root the portal runs real LXC containers (the lxc provider): install what it needs once, saying so.
const lxcWanted = process.getuid?.() === 0 && [undefined, "", "lxc"].includes(process.env.ZLH_PROVIDER);
const lxcTools = ["/usr/bin/lxc-start", "/usr/bin/slirp4netns", "/usr/bin/newuidmap", "/usr/sbin/debootstrap", "/usr/bin/zstd"];
const subidsOk = ["/etc/subuid", "/etc/subgid"].every((f) => existsSync(f) && /^root:100000:65536$/m.test(readFileSync(f, "utf8")));
if (lxcWanted && (!lxcTools.every((t) => existsSync(t)) || !subidsOk)) {
  console.log("setup: installing the Debian packages for real containers (bash scripts/system-deps.sh --lxc)");
  const r = spawnSync("bash", ["scripts/system-deps.sh", "--lxc"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The agent bundle that the local provider starts per container (rebuilt only when stale).
const { ensureAgentBundle } = await import("./build-agent.mjs");
await ensureAgentBundle({ quiet: true });
