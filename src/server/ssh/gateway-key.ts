import { env } from "../../env";
import { provisioningRuntime } from "../provisioning/runtime";
import { deriveEd25519, type DerivedKey } from "./derived-key";
import { sshFingerprint } from "../../../agent/src/ssh/keys";
import type { AuthorizedKey } from "../../../agent/src/contract";

/**
 * The SSH gateway's two keys, derived from ZLH_SECRET_KEY: its host key (what users' known_hosts
 * pin) and the key it logs in to dev containers with. The login key is pushed to a container with
 * the owner's keys only on deployments that run the gateway; it grants nothing the portal's agent
 * token does not already (the portal runs dev shells through the agent's console anyway).
 */
let startedHere = false;

export function markGatewayStarted(on: boolean): void {
  startedHere = on;
}

export const gatewayEnabled = () => startedHere || env.ZLH_SSH_GATEWAY_PORT !== undefined;

export const gatewayHostKey = (): DerivedKey => deriveEd25519(provisioningRuntime().secretKey, "ssh gateway host key", "zlh-gateway-host");
export const gatewayLoginKey = (): DerivedKey => deriveEd25519(provisioningRuntime().secretKey, "ssh gateway login key", "zlh-gateway");

/** The gateway's login key as an authorized key entry, when this deployment runs the gateway. */
export function gatewayAuthorizedKey(): AuthorizedKey | null {
  if (!gatewayEnabled()) return null;
  const pub = gatewayLoginKey().publicKey;
  return { publicKey: pub, fingerprint: sshFingerprint(Buffer.from(pub.split(" ")[1]!, "base64")), name: "ZeroLagHub SSH gateway" };
}
