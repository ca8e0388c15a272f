import { isIP } from "node:net";

/**
 * The Proxmox VE firewall of a ZeroLagHub container, as pure policy: inbound DROP by default, the
 * agent's port open only to the portal's address, the game and SSH ports open to anyone, nothing
 * else (code-server has no port at all: it is reached through the agent). Our rules carry a `zlh:`
 * comment so a re-run replaces exactly them and leaves an operator's own rules alone.
 */
export type FirewallRuleSpec = { type: "in"; action: "ACCEPT"; proto: "tcp"; dport: string; source?: string; enable: 1; comment: string };
export type ExistingRule = { pos: number; type?: string; action?: string; proto?: string; dport?: string; source?: string; enable?: number; comment?: string };

export const FIREWALL_OPTIONS = { enable: 1, policy_in: "DROP", policy_out: "ACCEPT" } as const;
const OURS = "zlh:";

/** A portal address the firewall can name: one IPv4/IPv6 address or CIDR. */
export function isPortalAddress(v: string): boolean {
  const [addr, bits, ...rest] = v.split("/");
  if (rest.length || !addr || !isIP(addr)) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(addr) === 4 ? 32 : 128));
}

export function desiredRules(o: { agentPort: number; gamePort: number; sshPort: number; portalAddress: string }): FirewallRuleSpec[] {
  if (!isPortalAddress(o.portalAddress)) throw new Error(`ZLH_PORTAL_ADDRESS must be an IP address or CIDR, not "${o.portalAddress}"`);
  return [
    { type: "in", action: "ACCEPT", proto: "tcp", dport: String(o.agentPort), source: o.portalAddress, enable: 1, comment: `${OURS} agent API, from the portal only` },
    { type: "in", action: "ACCEPT", proto: "tcp", dport: String(o.gamePort), enable: 1, comment: `${OURS} game` },
    { type: "in", action: "ACCEPT", proto: "tcp", dport: String(o.sshPort), enable: 1, comment: `${OURS} ssh` },
  ];
}

const same = (a: ExistingRule, b: FirewallRuleSpec) =>
  a.type === b.type && a.action === b.action && a.proto === b.proto && a.dport === b.dport && (a.source ?? undefined) === b.source && Number(a.enable ?? 0) === 1 && a.comment === b.comment;

/** What to delete (positions, highest first so the others keep theirs) and add to reach `desired`. */
export function planFirewall(existing: ExistingRule[], desired: FirewallRuleSpec[]): { remove: number[]; add: FirewallRuleSpec[] } {
  const ours = existing.filter((r) => r.comment?.startsWith(OURS));
  const remove = ours.filter((r) => !desired.some((d) => same(r, d))).map((r) => r.pos).sort((a, b) => b - a);
  const add = desired.filter((d) => !ours.some((r) => same(r, d)));
  return { remove, add };
}

/** Whether firewall options as read back enforce the policy (values come back as strings or numbers). */
export function optionsEnforced(o: Record<string, unknown>): boolean {
  return String(o.enable ?? "0") === "1" && o.policy_in === "DROP";
}
