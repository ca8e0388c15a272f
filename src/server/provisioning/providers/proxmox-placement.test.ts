import { describe, expect, it } from "vitest";
import { choosePlacement, type ClusterNode } from "./proxmox-placement";

const GiB = 1024 ** 3;
const node = (name: string, status: string, maxGiB: number, usedGiB: number): ClusterNode => ({
  type: "node",
  node: name,
  status,
  maxmem: maxGiB * GiB,
  mem: usedGiB * GiB,
});

describe("choosePlacement", () => {
  it("takes the online node with the most free memory", () => {
    const p = choosePlacement([node("pve1", "online", 64, 50), node("pve2", "online", 64, 20), node("pve3", "online", 32, 10)], 2048);
    expect(p).toMatchObject({ ok: true, node: "pve2" });
  });

  it("skips an offline node and a full node, saying why", () => {
    const p = choosePlacement([node("pve1", "offline", 128, 0), node("pve2", "online", 16, 15), node("pve3", "online", 32, 10)], 4096);
    expect(p.ok && p.node).toBe("pve3");
    expect(p.skipped).toEqual([
      { node: "pve1", reason: "node is offline" },
      { node: "pve2", reason: expect.stringMatching(/^full: 0 MiB free after headroom, 4096 MiB needed$/) },
    ]);
  });

  it("refuses with every reason when no node fits", () => {
    const p = choosePlacement([node("pve1", "offline", 64, 0), node("pve2", "online", 8, 7.5)], 1024);
    expect(p.ok).toBe(false);
    expect(!p.ok && p.reason).toMatch(/No Proxmox node can take a 1024 MiB container \(pve1: node is offline; pve2: full/);
  });

  it("keeps to the allowed nodes", () => {
    const p = choosePlacement([node("pve1", "online", 64, 0), node("pve2", "online", 64, 30)], 1024, { allowed: ["pve2"] });
    expect(p).toMatchObject({ ok: true, node: "pve2" });
  });

  it("counts the headroom the node keeps for itself", () => {
    expect(choosePlacement([node("pve1", "online", 4, 2)], 1024, { headroomMb: 1024 }).ok).toBe(true);
    expect(choosePlacement([node("pve1", "online", 4, 2)], 1025, { headroomMb: 1024 }).ok).toBe(false);
  });
});
