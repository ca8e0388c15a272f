import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "../../src/server/net/free-port";
import { PORTAL_NODE_FLAGS } from "../../src/server/runtime/node-flags";
import { until } from "../support/until";

/**
 * A real portal process (server.ts, production build) for the fault and scale-out suites: its own
 * port, a shared database and data folder, and the same secrets across restarts so sessions and
 * agent tokens stay valid. Its environment is an explicit list, like a systemd unit's.
 */
export type PortalOptions = {
  dataDir: string;
  databaseUrl: string;
  secrets: { nextauth: string; key: string };
  port?: number;
  publicUrl?: string;
  name?: string;
  env?: Record<string, string>;
  /** Node flags before the script (e.g. --cpu-prof, which NODE_OPTIONS does not accept). */
  nodeArgs?: string[];
};

export type Portal = {
  url: string;
  port: number;
  pid: number;
  proc: ChildProcess;
  logFile: string;
  /** Resolves once the process has exited (after a kill or a stop). */
  exited: Promise<void>;
  stop: () => Promise<void>;
};

export function portalSecrets(): PortalOptions["secrets"] {
  return { nextauth: randomBytes(32).toString("base64url"), key: randomBytes(32).toString("hex") };
}

export async function startPortal(o: PortalOptions): Promise<Portal> {
  const port = o.port ?? (await freePort());
  const url = `http://localhost:${port}`;
  mkdirSync(o.dataDir, { recursive: true });
  const logFile = path.join(o.dataDir, `portal-${o.name ?? port}.log`);
  const out = openSync(logFile, "a");
  const proc = spawn(process.execPath, [...PORTAL_NODE_FLAGS, ...(o.nodeArgs ?? []), "--import", "tsx", "server.ts"], {
    stdio: ["ignore", out, out],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/root",
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      ZLH_DATA_DIR: o.dataDir,
      DATABASE_URL: o.databaseUrl,
      NEXTAUTH_URL: o.publicUrl ?? url,
      NEXTAUTH_SECRET: o.secrets.nextauth,
      ZLH_SECRET_KEY: o.secrets.key,
      ZLH_INSTANCE_ID: o.name ?? `portal-${port}`,
      LOG_LEVEL: "info",
      NEXT_TELEMETRY_DISABLED: "1",
      ...o.env,
    },
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  await until(`portal on ${port} to be healthy`, async () => {
    if (gone) return "exited";
    const r = await fetch(`${url}/api/health`).catch(() => null);
    return r?.ok ? "healthy" : false;
  }, 120_000, 250).then(
    (how) => {
      if (how === "exited") throw new Error(`portal on ${port} exited before it was healthy:\n${tail(logFile)}`);
    },
    (err: unknown) => {
      // Never healthy and still running: do not leave it behind.
      if (!gone) proc.kill("SIGKILL");
      throw err;
    },
  );
  return {
    url,
    port,
    pid: proc.pid!,
    proc,
    logFile,
    exited,
    stop: async () => {
      if (!gone) proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (!gone) proc.kill("SIGKILL");
      await exited;
    },
  };
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
