import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createCaller } from "../../src/server/api/root";
import { db } from "../../src/server/db/client";
import { logger } from "../../src/server/log/logger";
import { startJobs, stopJobs } from "../../src/server/provisioning/jobs";
import { LocalProvider } from "../../src/server/provisioning/providers/local";
import { LxcProvider } from "../../src/server/provisioning/providers/lxc";
import { publishTemplate } from "../support/lxc";
import { runtimeFromEnv, setProvisioningRuntime, provisioningRuntime } from "../../src/server/provisioning/runtime";
import { startTestArtifactServer, type TestArtifactServer } from "../support/artifact-server";
import { until as untilBase } from "../support/until";

/** Provisioning waits are slower (agents, downloads): a longer default than the shared helper's. */
export const until = <T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 90_000) =>
  untilBase(what, fn, timeoutMs, 150);

/**
 * The provisioning test bed: a temp data folder, a signed test artifact store with a small runtime,
 * the real local provider, the real pg-boss jobs, and tRPC callers for signed-in users.
 */
export type Harness = {
  dataDir: string;
  artifacts: TestArtifactServer;
  provider: LocalProvider | LxcProvider;
  /** What a host crash or reboot leaves: the container's processes gone, the database saying running. */
  crash(vmid: number): Promise<void>;
  user(): Promise<{ id: string; caller: ReturnType<typeof createCaller> }>;
  close(): Promise<void>;
};

/** A tiny runtime: bin/<name> prints "<name> v<version>", plus a payload file. */
export function tinyRuntimeDir(name: string, version: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "zlh-prov-rt-"));
  mkdirSync(path.join(d, "bin"));
  writeFileSync(path.join(d, "bin", name), `#!/bin/sh\necho "${name} v${version}"\n`);
  chmodSync(path.join(d, "bin", name), 0o755);
  writeFileSync(path.join(d, "payload.bin"), Buffer.alloc(64 * 1024, 7));
  return d;
}

/**
 * provider: pin one (tests that reach into the unisolated provider's folders); by default the portal's
 * own choice (ZLH_PROVIDER, else lxc as root with LXC installed, else unisolated).
 */
export async function startHarness(opts: { provider?: "unisolated" | "lxc" } = {}): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "zlh-prov-data-"));
  // lxc: container root (host uid 100000) walks through here to its overlay layers.
  chmodSync(dataDir, 0o711);
  const artifacts = await startTestArtifactServer();
  const rt = tinyRuntimeDir("node", "20.20.2");
  await artifacts.publishDir(rt, { kind: "runtime", name: "node", version: "20.20.2", bin: ["bin"], verify: { command: "bin/node", args: ["--version"], expect: "v20.20.2" } });
  rmSync(rt, { recursive: true, force: true });
  process.env.ZLH_DATA_DIR = dataDir;
  process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
  process.env.ZLH_ARTIFACTS_URL = artifacts.url;
  process.env.ZLH_ARTIFACTS_PUBLIC_KEY = artifacts.publicKey;
  process.env.ZLH_AGENT_START_TIMEOUT_MS ??= "60000";
  setProvisioningRuntime(runtimeFromEnv({ ...process.env, ...(opts.provider ? { ZLH_PROVIDER: opts.provider } : {}) }));
  const provider = provisioningRuntime().provider as LocalProvider | LxcProvider;
  // Real containers need their template in the store (built once into the artifact cache).
  if (provider instanceof LxcProvider) await publishTemplate(artifacts);
  await startJobs({ concurrency: 2 });
  return {
    dataDir,
    artifacts,
    provider,
    async crash(vmid) {
      if (provider instanceof LxcProvider) {
        execFileSync("lxc-stop", ["-P", provider.containersDir, "-n", provider.nameOf(vmid), "-k"]);
        return;
      }
      for (const p of provider.processesOf(vmid)) process.kill(p, "SIGKILL");
    },
    async user() {
      const u = await db.user.create({ data: { email: `u-${randomBytes(6).toString("hex")}@test.local`, passwordHash: "x" } });
      const caller = createCaller({
        db,
        session: { user: { id: u.id, email: u.email, name: null }, expires: new Date(Date.now() + 3600_000).toISOString() },
        headers: new Headers(),
        ip: "test",
        log: logger,
      } as Parameters<typeof createCaller>[0]);
      return { id: u.id, caller };
    },
    async close() {
      await stopJobs();
      // Nothing outlives the tests: every container folder under this data folder is destroyed,
      // whatever the database says (it may be gone already).
      if (provider instanceof LxcProvider) {
        for (const v of provider.listVmids()) await provider.destroy(provider.refOf(v)).catch(() => {});
      } else {
        const dirs = existsSync(provider.containersDir) ? readdirSync(provider.containersDir).filter((d) => /^\d+$/.test(d)) : [];
        for (const d of dirs) await provider.destroy(JSON.stringify({ dir: provider.dirOf(Number(d)), vmid: Number(d) })).catch(() => {});
      }
      rmSync(dataDir, { recursive: true, force: true });
      await artifacts.close();
      setProvisioningRuntime(undefined);
    },
  };
}

