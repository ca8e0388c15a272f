import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  fileContentSchema,
  fileEntrySchema,
  fileListingSchema,
  uploadStateSchema,
  type FileScope,
} from "../../../agent/src/contract";
import type { Server } from "../../generated/prisma/client";
import { AgentClient, isAgentError } from "../agent-client";
import { agentClientFor, getServerForUser } from "../provisioning/service";

/**
 * The file browser's service: every operation goes to the server's own agent, whose files API
 * guards paths (no `..`, no absolute paths, no symlink escapes). The portal never touches a path
 * itself; it only picks the scope from the server's kind.
 */
export function scopeOf(server: Pick<Server, "kind">): FileScope {
  return server.kind === "game" ? "game" : "workspace";
}

export type FileTarget = { server: Server; client: AgentClient; scope: FileScope };

/** The user's running server and its agent; NOT_FOUND for others' servers, CONFLICT when it is not running. */
export async function fileTarget(userId: string, serverId: string): Promise<FileTarget> {
  const server = await getServerForUser(userId, serverId);
  if (server.status !== "running") throw new TRPCError({ code: "CONFLICT", message: "Start the server to browse its files." });
  const client = agentClientFor(server, { retries: 1, timeoutMs: 15_000 });
  if (!client) throw new TRPCError({ code: "CONFLICT", message: "The server's agent is not available yet." });
  return { server, client, scope: scopeOf(server) };
}

/** Agent refusals keep their meaning (400 bad path, 403 escape, 404 missing, 409 exists, 413 too big). */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  if (isAgentError(err) && err.code === "AGENT_ERROR") {
    const code =
      err.status === 400 ? "BAD_REQUEST" : err.status === 403 ? "FORBIDDEN" : err.status === 404 ? "NOT_FOUND" : err.status === 409 ? "CONFLICT" : err.status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_GATEWAY";
    return new TRPCError({ code, message: err.agentMessage });
  }
  return new TRPCError({ code: "BAD_GATEWAY", message: "The server's agent did not answer. Try again in a moment." });
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toTRPCError(err);
  }
}

const q = (scope: FileScope, path: string) => `scope=${scope}&path=${encodeURIComponent(path)}`;
const ok = z.object({ ok: z.literal(true) });

export async function listFiles(userId: string, serverId: string, path: string) {
  const t = await fileTarget(userId, serverId);
  return call(() => t.client.request("GET", `/files/list?${q(t.scope, path)}`, fileListingSchema));
}

export async function readFile(userId: string, serverId: string, path: string) {
  const t = await fileTarget(userId, serverId);
  return call(() => t.client.request("GET", `/files/read?${q(t.scope, path)}`, fileContentSchema));
}

export async function writeFile(userId: string, serverId: string, path: string, content: string) {
  const t = await fileTarget(userId, serverId);
  return call(() => t.client.request("POST", "/files/write", fileEntrySchema, { body: { scope: t.scope, path, content, encoding: "utf8" } }));
}

export async function makeFolder(userId: string, serverId: string, path: string) {
  const t = await fileTarget(userId, serverId);
  return call(() => t.client.request("POST", "/files/mkdir", fileEntrySchema, { body: { scope: t.scope, path } }));
}

export async function renameFile(userId: string, serverId: string, from: string, to: string) {
  const t = await fileTarget(userId, serverId);
  return call(() => t.client.request("POST", "/files/rename", fileEntrySchema, { body: { scope: t.scope, from, to } }));
}

export async function deleteFile(userId: string, serverId: string, path: string, recursive: boolean) {
  const t = await fileTarget(userId, serverId);
  return call(() => t.client.request("POST", "/files/delete", ok, { body: { scope: t.scope, path, recursive } }));
}

export { uploadStateSchema };
