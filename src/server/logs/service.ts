import { TRPCError } from "@trpc/server";
import { logSourceSchema, logTailSchema, type LogSource, type LogTail } from "../../../agent/src/contract";
import { agentFetch } from "../files/agent-fetch";
import { jsonError } from "../files/proxy";
import { toTRPCError } from "../files/service";
import { annotateScope } from "../log/request-scope";
import { agentClientFor, getServerForUser } from "../provisioning/service";

/**
 * A server's logs through its agent: the game's console log for game servers, code-server's for
 * dev containers. Tail for the page, whole-file download for the button.
 */
export function logSourcesFor(kind: string): LogSource[] {
  return kind === "game" ? ["game"] : ["code-server"];
}

async function target(userId: string, serverId: string, source: LogSource) {
  const server = await getServerForUser(userId, serverId);
  annotateScope({ serverId: server.id, vmid: server.vmid });
  if (!logSourcesFor(server.kind).includes(source)) throw new TRPCError({ code: "NOT_FOUND", message: "This server has no such log." });
  if (server.status !== "running") throw new TRPCError({ code: "CONFLICT", message: "Start the server to read its logs." });
  return server;
}

export async function logTail(userId: string, serverId: string, source: LogSource, lines: number): Promise<LogTail> {
  const server = await target(userId, serverId, source);
  const client = agentClientFor(server, { retries: 0, timeoutMs: 10_000 });
  if (!client) throw new TRPCError({ code: "CONFLICT", message: "The server's agent is not available yet." });
  try {
    return await client.request("GET", `/logs/${source}?tail=${lines}`, logTailSchema);
  } catch (err) {
    throw toTRPCError(err);
  }
}

/** The whole log as a download (streamed from the agent, never held in memory). */
export async function logDownload(userId: string, serverId: string, rawSource: string): Promise<Response> {
  const parsed = logSourceSchema.safeParse(rawSource);
  if (!parsed.success) return jsonError(404, "No such log.");
  const source = parsed.data;
  const server = await target(userId, serverId, source);
  // Relayed to the browser as it streams (never held whole), so no total limit.
  const r = await agentFetch(server, `/logs/${source}/download`, { maxResponseBytes: Infinity });
  if (r.status === 404) return jsonError(404, "This log does not exist yet.");
  if (!r.ok || !r.body) return jsonError(502, "The server's agent did not answer. Try again in a moment.");
  const headers: Record<string, string> = {
    "content-type": "text/plain; charset=utf-8",
    "content-disposition": `attachment; filename="${server.name.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 60) || "server"}-${source}.log"`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
  const len = r.headers.get("content-length");
  if (len) headers["content-length"] = len;
  return new Response(r.body, { status: 200, headers });
}
