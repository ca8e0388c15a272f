import { describe, expect, it } from "vitest";
import { allowedFrom, isTransitional, refusal } from "./status-policy";

describe("server status policy", () => {
  it("allows start only from stopped or error", () => {
    expect(refusal("start", "stopped")).toBeNull();
    expect(refusal("start", "error")).toBeNull();
    expect(refusal("start", "running")).toMatch(/Cannot start a server that is running/);
  });
  it("refuses everything on deleted servers and explains provisioning", () => {
    for (const a of ["start", "stop", "restart", "delete", "gameAction"] as const) expect(refusal(a, "deleted")).toMatch(/deleted/);
    expect(refusal("stop", "provisioning")).toMatch(/still being set up/);
    expect(refusal("delete", "provisioning")).toBeNull();
  });
  it("lists transitional states", () => {
    expect(isTransitional("provisioning")).toBe(true);
    expect(isTransitional("running")).toBe(false);
    expect(allowedFrom("gameAction")).toEqual(["running"]);
  });
});
