import { describe, expect, it } from "vitest";
import { decideIdeAccess, type IdeServerRecord } from "./access";

const server: IdeServerRecord = { id: "s1", userId: "user_a", provider: "proxmox", status: "running", enableCodeServer: true, agentUrl: "unix:/run/zlh/agent.sock" };

describe("decideIdeAccess", () => {
  it("lets the owner of a running server with code-server in", () => {
    const r = decideIdeAccess(server, "user_a");
    expect(r).toEqual({ ok: true, folder: "/home/dev/workspace" });
  });

  it("lets code-server pick the workspace on the local provider (host paths differ)", () => {
    const r = decideIdeAccess({ ...server, provider: "local" }, "user_a");
    expect(r.ok && r.folder).toBeNull();
  });

  it("answers another user exactly as for an unknown vmid", () => {
    expect(decideIdeAccess(server, "user_b")).toEqual({ ok: false, reason: "not-found" });
    expect(decideIdeAccess(null, "user_a")).toEqual({ ok: false, reason: "not-found" });
  });

  it("refuses a server that is not running, has no IDE or no agent yet", () => {
    for (const status of ["provisioning", "stopped", "failed", "suspended", "deleting"]) {
      expect(decideIdeAccess({ ...server, status }, "user_a")).toEqual({ ok: false, reason: "stopped" });
    }
    expect(decideIdeAccess({ ...server, enableCodeServer: false }, "user_a")).toEqual({ ok: false, reason: "no-ide" });
    expect(decideIdeAccess({ ...server, agentUrl: null }, "user_a")).toEqual({ ok: false, reason: "no-ide" });
  });
});
