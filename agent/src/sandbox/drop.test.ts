import { spawnSync } from "node:child_process";
import * as pty from "node-pty";
import { describe, expect, it } from "vitest";
import { tenantEnv } from "./env";
import { runAsArgv, type RunAs } from "./identity";

/** The machine's `nobody` stands in for a container user: the mechanism is the same setpriv call. */
const nobody: RunAs = { name: "nobody", uid: 65534, gid: 65534, groups: [65534], home: "/nonexistent" };
const probe = "echo UID=$(id -u) GID=$(id -g) GROUPS=$(id -G | tr ' ' ,); grep -E '^(CapEff|CapBnd|NoNewPrivs):' /proc/self/status | tr -s '\\t' ' '; env | cut -d= -f1 | sort | tr '\\n' ' '";
// dash adds PWD only (no SHLVL): the rest is exactly the allowlist.
const env = tenantEnv({ user: "nobody", home: "/nonexistent", shell: "/bin/sh", path: "/usr/bin:/bin" });
const isRoot = process.getuid?.() === 0;

describe("dropping to a container user (real processes)", () => {
  it(isRoot ? "a piped child runs as the user, with its groups only, no capabilities, no new privileges, the allowlisted env" : "a non-root agent cannot switch users", () => {
    const [file, ...args] = runAsArgv(nobody, ["sh", "-c", probe]);
    const r = spawnSync(file!, args, { env: { ...env, ZLH_AGENT_TOKEN: "leak" } as unknown as NodeJS.ProcessEnv, encoding: "utf8" });
    if (!isRoot) {
      expect(r.status).not.toBe(0);
      return;
    }
    expect(r.stdout).toContain("UID=65534 GID=65534 GROUPS=65534\n");
    expect(r.stdout).toContain("CapEff: 0000000000000000");
    expect(r.stdout).toContain("CapBnd: 0000000000000000");
    expect(r.stdout).toContain("NoNewPrivs: 1");
    // setpriv passes the environment on unchanged: what the caller built is all there is.
    expect(r.stdout).toContain("ZLH_AGENT_TOKEN");
  });

  it(isRoot ? "a PTY shell (node-pty keeps root's supplementary groups by itself) loses them through setpriv" : "a non-root PTY cannot switch users", async () => {
    const [file, ...args] = runAsArgv(nobody, ["sh", "-c", probe]);
    const p = pty.spawn(file!, args, { cols: 200, rows: 20, cwd: "/", env });
    let out = "";
    p.onData((d) => (out += d));
    const code = await new Promise<number>((resolve) => p.onExit(({ exitCode }) => resolve(exitCode)));
    if (!isRoot) {
      expect(code).not.toBe(0);
      return;
    }
    expect(out).toContain("UID=65534 GID=65534 GROUPS=65534");
    expect(out).toContain("NoNewPrivs: 1");
    expect(out.replace(/\s+/g, " ")).toContain("HOME LANG LOGNAME PATH PWD SHELL TERM USER ");
  });
});
