import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * The agent's TLS identity hand-over (Proxmox, where portal and agent talk over a shared network).
 * The agent makes its key pair inside the container; the portal learns which certificate is the
 * agent's from GET /tls/binding, asked over a TLS connection *without* sending the token: the agent
 * answers its certificate's sha256 fingerprint and an HMAC of it under its bearer token. Only the
 * real agent knows the token, so a machine in the middle can neither present its own certificate
 * with a valid MAC nor replay the agent's MAC with another certificate. The portal then pins the
 * fingerprint and refuses any other certificate from then on.
 */
export const TLS_BINDING_PATH = "/tls/binding";

export const tlsBindingSchema = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});
export type TlsBinding = z.infer<typeof tlsBindingSchema>;

export function tlsBindingMac(token: string, fingerprint: string): string {
  return createHmac("sha256", token).update(`zlh-agent-tls-binding/v1:${fingerprint}`).digest("hex");
}

export function tlsBindingValid(b: TlsBinding, token: string): boolean {
  const want = Buffer.from(tlsBindingMac(token, b.fingerprint), "hex");
  const got = Buffer.from(b.mac, "hex");
  return want.length === got.length && timingSafeEqual(want, got);
}
