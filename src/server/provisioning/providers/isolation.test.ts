import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectIsolation, privateTmpFor, sandboxCommand } from "./isolation";

describe("isolation", () => {
  it("passes the command through unchanged without a sandbox", () => {
    expect(sandboxCommand("none", "/x", ["node", "a.js"])).toEqual(["node", "a.js"]);
  });
  it("builds a bwrap line with a private pid namespace and /tmp, network shared", () => {
    const cmd = sandboxCommand("bwrap", "/ct/tmp", ["node", "a.js"]);
    expect(cmd).toContain("--unshare-pid");
    expect(cmd.join(" ")).toContain("--bind /ct/tmp /tmp");
    expect(cmd).not.toContain("--unshare-net");
    expect(cmd.slice(-2)).toEqual(["node", "a.js"]);
  });
  it("keeps the machine's /tmp when the agent or its folder lives under it", () => {
    expect(privateTmpFor("/data/ct/tmp", ["/repo/agent/dist/main.mjs", "/data/ct"])).toBe("/data/ct/tmp");
    expect(privateTmpFor("/tmp/x/ct/tmp", ["/repo/agent/dist/main.mjs", "/tmp/x/ct"])).toBeNull();
    expect(privateTmpFor("/data/ct/tmp", [path.join(os.tmpdir(), "clone/agent/dist/main.mjs"), "/data/ct"])).toBeNull();
    expect(sandboxCommand("bwrap", null, ["node"]).join(" ")).not.toContain("/tmp");
  });
  it("really isolates pids and /tmp on this machine when a sandbox is available", () => {
    const mode = detectIsolation();
    if (mode === "none") return expect(mode).toBe("none");
    const tmp = mkdtempSync(path.join(os.tmpdir(), "zlh-iso-test-"));
    try {
      const [cmd, ...args] = sandboxCommand(mode, tmp, ["sh", "-c", "echo $$ > /tmp/pid; touch /tmp/marker"]);
      expect(spawnSync(cmd!, args, { timeout: 10_000 }).status).toBe(0);
      expect(readdirSync(tmp).sort()).toEqual(["marker", "pid"]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
