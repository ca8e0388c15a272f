import { z } from "zod";
import { MAX_PUBLIC_KEY_CHARS } from "./public-key";

/** Input schemas of the ssh router (shared with the settings forms). */
export const addSshKeyInput = z.object({
  name: z.string().trim().max(100, "At most 100 characters.").default(""),
  publicKey: z.string().min(1, "Paste a public key.").max(MAX_PUBLIC_KEY_CHARS, "That is too long to be a public key."),
});
export const removeSshKeyInput = z.object({ id: z.string().min(1).max(64) });
export const sshConfigInput = z.object({ serverId: z.string().min(1).max(64) });
export const createTailnetKeyInput = z.object({
  reusable: z.boolean().default(false),
  ephemeral: z.boolean().default(false),
  expiresInHours: z.number().int().min(1).max(24 * 90).default(24),
});
