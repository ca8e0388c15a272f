import { describe, expect, it } from "vitest";
import { decideIdeAccess, parseTarget, type IdeServerRecord } from "./access";

const server: IdeServerRecord = { id: "s1", userId: "user_a", provider: "proxmox", status: "running", enableCodeServer: true, codeServerUrl: "http://127.0.0.1:41234" };

describe("decideIdeAccess", () => {
  it("lets the owner of a running server with code-server in", () => {
    const r = decideIdeAccess(server, "user_a");
    expect(r.ok && r.target.href).toBe("http://127.0.0.1:41234/");
    expect(r.ok && r.folder).toBe("/home/dev/workspace");
  });

  it("lets code-server pick the workspace on the local provider (host paths differ)", () => {
    const r = decideIdeAccess({ ...server, provider: "local" }, "user_a");
    expect(r.ok && r.folder).toBeNull();
  });

  it("answers another user exactly as for an unknown vmid", () => {
    expect(decideIdeAccess(server, "user_b")).toEqual({ ok: false, reason: "not-found" });
    expect(decideIdeAccess(null, "user_a")).toEqual({ ok: false, reason: "not-found" });
  });

  it("refuses a server that is not running or has no IDE", () => {
    for (const status of ["provisioning", "stopped", "failed", "suspended", "deleting"]) {
      expect(decideIdeAccess({ ...server, status }, "user_a")).toEqual({ ok: false, reason: "stopped" });
    }
    expect(decideIdeAccess({ ...server, enableCodeServer: false }, "user_a")).toEqual({ ok: false, reason: "no-ide" });
    expect(decideIdeAccess({ ...server, codeServerUrl: null }, "user_a")).toEqual({ ok: false, reason: "no-ide" });
  });

  it("only accepts plain http targets without credentials", () => {
    for (const bad of ["https://127.0.0.1:1", "file:///etc/passwd", "http://u:p@127.0.0.1:1", "not a url", ""]) {
      expect(parseTarget(bad), bad).toBeNull();
    }
    expect(parseTarget("http://10.0.0.5:6000")?.host).toBe("10.0.0.5:6000");
  });
});
