import { TRPCError } from "@trpc/server";
import { Prisma } from "../../generated/prisma/client";
import { recordAudit } from "../audit/audit";
import { db } from "../db/client";
import { parsePublicKey } from "./public-key";
import { syncUserKeys } from "./sync";

/** A user's SSH keys (usable on all their dev containers). Every change is pushed to their running containers. */
export const MAX_KEYS_PER_USER = 50;

export type SshKeyView = { id: string; name: string; fingerprint: string; type: string; comment: string; createdAt: Date };

function view(k: { id: string; name: string; fingerprint: string; publicKey: string; createdAt: Date }): SshKeyView {
  const [type = "", , ...comment] = k.publicKey.split(" ");
  return { id: k.id, name: k.name, fingerprint: k.fingerprint, type, comment: comment.join(" "), createdAt: k.createdAt };
}

export async function listKeys(userId: string): Promise<SshKeyView[]> {
  const rows = await db.sshKey.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
  return rows.map(view);
}

export async function addKey(userId: string, input: { name: string; publicKey: string }): Promise<SshKeyView> {
  const parsed = parsePublicKey(input.publicKey);
  if (!parsed.ok) throw new TRPCError({ code: "BAD_REQUEST", message: parsed.error });
  if ((await db.sshKey.count({ where: { userId } })) >= MAX_KEYS_PER_USER) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `You can keep at most ${MAX_KEYS_PER_USER} keys; remove one first.` });
  }
  const name = input.name.trim() || parsed.key.comment || parsed.key.type;
  let row;
  try {
    row = await db.sshKey.create({ data: { userId, name: name.slice(0, 100), publicKey: parsed.key.normalized, fingerprint: parsed.key.fingerprint } });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new TRPCError({ code: "CONFLICT", message: `This key is already on your account (${parsed.key.fingerprint}).` });
    }
    throw err;
  }
  await recordAudit({ actorId: userId, action: "ssh_key.add", targetType: "ssh_key", targetId: row.id, data: { fingerprint: row.fingerprint, name: row.name } });
  await syncUserKeys(userId);
  return view(row);
}

export async function removeKey(userId: string, keyId: string): Promise<void> {
  const r = await db.sshKey.deleteMany({ where: { id: keyId, userId } });
  if (r.count === 0) throw new TRPCError({ code: "NOT_FOUND", message: "No such key." });
  await recordAudit({ actorId: userId, action: "ssh_key.remove", targetType: "ssh_key", targetId: keyId });
  await syncUserKeys(userId);
}
