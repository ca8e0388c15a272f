import { describe, expect, it } from "vitest";
import { placementMessage } from "./pipeline";

describe("placementMessage", () => {
  it("names the node and every skipped node with its reason, for the server's timeline", () => {
    expect(placementMessage({ node: "pve3", skipped: [] })).toBe("Placed on node pve3");
    expect(placementMessage({ node: "pve3", skipped: [{ node: "pve1", reason: "node is offline" }, { node: "pve2", reason: "full: 12 MiB free after headroom, 2048 MiB needed" }] })).toBe(
      "Placed on node pve3 (skipped pve1: node is offline; pve2: full: 12 MiB free after headroom, 2048 MiB needed)",
    );
  });
});
