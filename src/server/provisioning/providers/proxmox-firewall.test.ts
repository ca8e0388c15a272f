import { describe, expect, it } from "vitest";
import { desiredRules, isPortalAddress, optionsEnforced, planFirewall } from "./proxmox-firewall";

const desired = desiredRules({ agentPort: 7070, gamePort: 25565, sshPort: 22, portalAddress: "10.0.0.2" });

describe("Proxmox container firewall policy", () => {
  it("opens the agent to the portal only, game and SSH to anyone, nothing else", () => {
    expect(desired.map((r) => [r.dport, r.source ?? "any"])).toEqual([["7070", "10.0.0.2"], ["25565", "any"], ["22", "any"]]);
    expect(desired.every((r) => r.type === "in" && r.action === "ACCEPT" && r.proto === "tcp" && r.enable === 1)).toBe(true);
  });

  it("takes only an address or CIDR as the portal's address", () => {
    for (const ok of ["10.0.0.2", "10.0.0.0/24", "fd00::2", "fd00::/64"]) expect(isPortalAddress(ok), ok).toBe(true);
    for (const bad of ["", "portal.example", "10.0.0.2/33", "10.0.0.2/8/1", "0.0.0.0/x"]) expect(isPortalAddress(bad), bad).toBe(false);
    expect(() => desiredRules({ agentPort: 1, gamePort: 2, sshPort: 3, portalAddress: "anywhere" })).toThrow(/ZLH_PORTAL_ADDRESS/);
  });

  it("adds what is missing, replaces our stale rules, keeps an operator's own", () => {
    const fresh = planFirewall([], desired);
    expect(fresh).toEqual({ remove: [], add: desired });
    const existing = [
      { pos: 0, ...desired[1]! },
      { pos: 1, type: "in", action: "ACCEPT", proto: "tcp", dport: "7070", source: "10.0.0.9", enable: 1, comment: "zlh: agent API, from the portal only" },
      { pos: 2, type: "in", action: "ACCEPT", proto: "tcp", dport: "8080", comment: "operator's own" },
      { pos: 3, ...desired[2]!, enable: 0 },
    ];
    expect(planFirewall(existing, desired)).toEqual({ remove: [3, 1], add: [desired[0], desired[2]] });
    expect(planFirewall(desired.map((r, pos) => ({ ...r, pos })), desired)).toEqual({ remove: [], add: [] });
  });

  it("reads firewall options back as enforcing only with enable=1 and policy_in DROP", () => {
    expect(optionsEnforced({ enable: 1, policy_in: "DROP" })).toBe(true);
    expect(optionsEnforced({ enable: "1", policy_in: "DROP" })).toBe(true);
    expect(optionsEnforced({ enable: 1, policy_in: "ACCEPT" })).toBe(false);
    expect(optionsEnforced({ policy_in: "DROP" })).toBe(false);
  });
});
