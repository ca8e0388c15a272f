import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { cmdline, isAlive } from "./proc";

/**
 * The container's network: slirp4netns (what rootless Podman uses) attached to the container's
 * empty network namespace. It gives the container a tap device with outbound NAT, keeps it off the
 * host's loopback (--disable-host-loopback: no PostgreSQL, no portal ports), and publishes chosen
 * host ports into it through its API socket. It runs detached so containers outlive the portal.
 */
export type SlirpFiles = { pidFile: string; apiSocket: string; logFile: string };
export type PortForward = { hostAddr: string; hostPort: number; guestPort: number };

/** The slirp4netns of these files when alive (and really ours: its command line names our API socket). */
export function slirpPid(f: SlirpFiles): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(f.pidFile, "utf8").trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return null;
  const args = cmdline(pid);
  return args[0]?.endsWith("slirp4netns") && args.includes(f.apiSocket) ? pid : null;
}

function slirpCall(apiSocket: string, body: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = net.connect(apiSocket);
    let out = "";
    s.setTimeout(5_000, () => s.destroy(new Error("slirp4netns API timed out")));
    s.on("connect", () => s.end(JSON.stringify(body)));
    s.on("data", (d: Buffer) => (out += d.toString()));
    s.on("error", reject);
    s.on("close", () => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`slirp4netns API answered ${JSON.stringify(out.slice(0, 200))}`));
      }
    });
  });
}

async function addForward(apiSocket: string, f: PortForward): Promise<void> {
  const r = (await slirpCall(apiSocket, {
    execute: "add_hostfwd",
    arguments: { proto: "tcp", host_addr: f.hostAddr, host_port: f.hostPort, guest_port: f.guestPort },
  })) as { return?: unknown; error?: { desc?: string } };
  if (r.error) throw new Error(`cannot publish ${f.hostAddr}:${f.hostPort}: ${r.error.desc ?? JSON.stringify(r.error)}`);
}

export function stopSlirp(f: SlirpFiles): void {
  const pid = slirpPid(f);
  if (pid) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(f.pidFile, { force: true });
  rmSync(f.apiSocket, { force: true });
}

/** Attaches a fresh slirp4netns to the namespace of `initPid` and publishes `forwards`; replaces a previous one. */
export async function startSlirp(f: SlirpFiles, initPid: number, forwards: PortForward[]): Promise<number> {
  stopSlirp(f);
  const log = openSync(f.logFile, "a", 0o600);
  let pid: number | undefined;
  try {
    const child = spawn(
      "slirp4netns",
      ["--configure", "--mtu=65520", "--disable-host-loopback", "--enable-sandbox", "--api-socket", f.apiSocket, String(initPid), "tap0"],
      { detached: true, stdio: ["ignore", log, log], env: { PATH: "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv },
    );
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(log);
  }
  if (!pid) throw new Error("could not start slirp4netns");
  writeFileSync(f.pidFile, String(pid), { mode: 0o600 });
  // The API socket appears once slirp4netns has configured the tap device.
  const deadline = Date.now() + 5_000;
  while (!existsSync(f.apiSocket)) {
    if (!isAlive(pid)) throw new Error(`slirp4netns exited: ${tail(f.logFile)}`);
    if (Date.now() > deadline) throw new Error(`slirp4netns did not come up: ${tail(f.logFile)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  for (const fw of forwards) {
    for (;;) {
      try {
        await addForward(f.apiSocket, fw);
        break;
      } catch (err) {
        // Bound but not yet listening: a moment more.
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== "ECONNREFUSED" && code !== "ENOENT") || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  }
  return pid;
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-3).join(" | ").slice(-500);
  } catch {
    return "(no log)";
  }
}
