import { z } from "zod";

/**
 * SSH server of a dev container (served by the agent with ssh2; public-key authentication only).
 *
 *   PUT /ssh/authorized-keys  body AuthorizedKeysPut -> AuthorizedKeysResult
 *   GET /status               -> { ..., ssh: SshStatus }
 *
 * The portal pushes the owner's CURRENT keys whenever they change and when it provisions or
 * starts the container; every login attempt is checked against the latest list, so a removed key
 * stops working at once (and its open sessions are closed). `revision` orders pushes: an older
 * revision than the stored one is ignored, so a delayed push cannot bring a removed key back.
 */
export const SSH_LOGIN_USER = "dev";
export const SSH_HOST_KEY_PATH = "/etc/zlh/ssh_host_ed25519_key";
export const SSH_AUTHORIZED_KEYS_PATH = "/etc/zlh/ssh_authorized_keys.json";
export const MAX_AUTHORIZED_KEYS = 100;

export const authorizedKeySchema = z.object({
  /** One OpenSSH public key line: `<type> <base64> [comment]`. */
  publicKey: z.string().min(1).max(8192),
  /** `SHA256:...` as the portal computed it (the agent recomputes and compares). */
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/),
  name: z.string().max(100).optional(),
});
export type AuthorizedKey = z.infer<typeof authorizedKeySchema>;

export const authorizedKeysPutSchema = z
  .object({
    /** Monotonic per container (the portal uses the time it read the list, in ms). */
    revision: z.number().int().nonnegative(),
    keys: z.array(authorizedKeySchema).max(MAX_AUTHORIZED_KEYS),
  })
  .strict();
export type AuthorizedKeysPut = z.infer<typeof authorizedKeysPutSchema>;

export const authorizedKeysResultSchema = z.object({
  /** false when the push was older than the stored list (nothing changed). */
  applied: z.boolean(),
  revision: z.number().int(),
  count: z.number().int(),
  /** Sessions closed because their key was removed. */
  closedSessions: z.number().int(),
});
export type AuthorizedKeysResult = z.infer<typeof authorizedKeysResultSchema>;

export const sshStatusSchema = z.object({
  listening: z.boolean(),
  port: z.number().int().nullable(),
  /** `SHA256:...` of the container's ed25519 host key, null before it exists. */
  hostKeyFingerprint: z.string().nullable(),
  authorizedKeys: z.number().int(),
  revision: z.number().int(),
  /** Open authenticated connections. */
  connections: z.number().int(),
});
export type SshStatus = z.infer<typeof sshStatusSchema>;
