/**
 * The container template's identity, shared by its builder (scripts/artifacts/builders/template.ts)
 * and the lxc provider. The version carries the Node that runs the agent: the agent's native modules
 * (node-pty) are built for this Node's ABI, so a portal on another Node needs its own template.
 * Bump the leading number when the template's contents change.
 */
export const TEMPLATE_NAME = "template-debian-12";

export function templateVersion(nodeVersion = process.versions.node): string {
  return `1.1.0-node${nodeVersion}`;
}
