import type { ServerResponse } from "node:http";
import { db } from "../db/client";
import { agentFetch } from "../files/agent-fetch";
import { annotateScope } from "../log/request-scope";

/**
 * Prometheus reaches agents through the portal (they listen on Unix sockets or behind the
 * container firewall, each with its own token): GET /metrics/targets lists every running server as
 * an HTTP service-discovery target, and GET /metrics/agents/<serverId> relays that agent's /metrics.
 * Both sit behind the portal's metrics token (route.ts).
 */
const MAX_AGENT_METRICS_BYTES = 4 * 1024 * 1024;
const AGENT_TIMEOUT_MS = 5_000;
const SERVER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export type SdTarget = { targets: string[]; labels: Record<string, string> };

/** Service discovery answer: one target per running server, scraped through `host` (the portal). */
export function sdTargets(host: string, servers: { id: string; vmid: number; kind: string }[]): SdTarget[] {
  return servers.map((s) => ({
    targets: [host],
    labels: { __metrics_path__: `/metrics/agents/${s.id}`, serverId: s.id, vmid: String(s.vmid), kind: s.kind },
  }));
}

/** The Host a scraper used, when it is a plain host[:port]; else the loopback default. */
export function scrapeHost(header: string | undefined): string {
  return header && /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(header) ? header : "localhost:3000";
}

export async function sendTargets(res: ServerResponse, host: string | undefined): Promise<void> {
  const servers = await db.server.findMany({ where: { status: "running", agentUrl: { not: null } }, select: { id: true, vmid: true, kind: true }, orderBy: { vmid: "asc" } });
  const body = JSON.stringify(sdTargets(scrapeHost(host), servers));
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(body) }).end(body);
}

export async function sendAgentMetrics(res: ServerResponse, serverId: string): Promise<void> {
  const server = SERVER_ID.test(serverId) ? await db.server.findFirst({ where: { id: serverId, status: "running" } }) : null;
  if (!server?.agentUrl) {
    res.writeHead(404, { "content-type": "text/plain" }).end("No such running server");
    return;
  }
  annotateScope({ serverId: server.id, vmid: server.vmid });
  let text: string;
  try {
    const r = await agentFetch(server, "/metrics", { signal: AbortSignal.timeout(AGENT_TIMEOUT_MS) });
    if (!r.ok) throw new Error(`agent answered ${r.status}`);
    text = await readBounded(r, MAX_AGENT_METRICS_BYTES);
  } catch (err) {
    // Prometheus records the failed scrape (up == 0); the reason goes in the body for whoever looks.
    res.writeHead(502, { "content-type": "text/plain" }).end(`Agent metrics unavailable: ${(err as Error).message}`);
    return;
  }
  res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(text) }).end(text);
}

/** The body as text, refusing more than `limit` bytes (an agent's answer is tenant-controlled). */
async function readBounded(r: Response, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) throw new Error(`agent metrics larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
