import { Readable } from "node:stream";
import {
  ARCHIVE_SHA256_HEADER,
  ARCHIVE_SIZE_HEADER,
  backupActivitySchema,
  backupManifestSchema,
  restoreResultSchema,
  type BackupActivity,
  type BackupManifest,
  type RestoreResult,
} from "../../../agent/src/contract/backup";
import { agentFetch } from "../agent-client/transport";
import { agentAccessFor, type AgentRow } from "../provisioning/agent-for";

/** Agent answers the portal reads are bounded: JSON bodies (manifests included) up to 256 MiB. */
const JSON_LIMIT = 256 * 1024 * 1024;

export class AgentBackupError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function access(server: AgentRow) {
  const a = agentAccessFor(server);
  if (!a) throw new AgentBackupError(409, "the server's agent is not available (is the server running?)");
  return { endpoint: a.endpoint, auth: { authorization: `Bearer ${a.token}` } };
}

async function boundedJson(res: Response): Promise<unknown> {
  const declared = Number(res.headers.get("content-length") ?? 0);
  if (declared > JSON_LIMIT) throw new AgentBackupError(502, "agent answer too large");
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    n += c.length;
    if (n > JSON_LIMIT) throw new AgentBackupError(502, "agent answer too large");
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

async function failure(res: Response, what: string): Promise<AgentBackupError> {
  const text = (await res.text().catch(() => "")).slice(0, 2000);
  let msg = text;
  try {
    msg = (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    // not JSON
  }
  return new AgentBackupError(res.status, `${what}: agent answered ${res.status}${msg ? ` (${msg})` : ""}`);
}

/** Starts a backup in the container: the archive streams in `body`; `manifest()` once it has ended. */
export async function openAgentBackup(server: AgentRow, id: string, signal: AbortSignal): Promise<{ body: Readable; manifest: () => Promise<BackupManifest> }> {
  const { endpoint, auth } = access(server);
  const res = await agentFetch(endpoint, "/backup", {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ id, announce: true }),
    signal,
    // The archive streams to storage as it comes (never held whole), so no total limit.
    maxResponseBytes: Infinity,
  });
  if (res.status !== 200 || !res.body) throw await failure(res, "backup refused");
  const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
  return {
    body,
    async manifest() {
      const r = await agentFetch(endpoint, `/backup/${encodeURIComponent(id)}/manifest`, { headers: auth, signal });
      if (r.status !== 200) throw await failure(r, "backup manifest");
      return backupManifestSchema.parse(await boundedJson(r));
    },
  };
}

/** What the agent is doing (progress of a running backup or restore). */
export async function agentBackupActivity(server: AgentRow, signal?: AbortSignal): Promise<BackupActivity> {
  const { endpoint, auth } = access(server);
  const r = await agentFetch(endpoint, "/backup/status", { headers: auth, signal: signal ?? AbortSignal.timeout(5_000) });
  if (r.status !== 200) throw await failure(r, "backup status");
  return backupActivitySchema.parse(await boundedJson(r));
}

/** Streams an archive to the agent, which verifies it against the manifest before replacing anything. */
export async function restoreThroughAgent(server: AgentRow, archive: Readable, manifest: BackupManifest, signal: AbortSignal): Promise<RestoreResult> {
  const { endpoint, auth } = access(server);
  const res = await agentFetch(endpoint, "/backup/restore", {
    method: "POST",
    headers: { ...auth, "content-type": "application/gzip", [ARCHIVE_SHA256_HEADER]: manifest.archive.sha256, [ARCHIVE_SIZE_HEADER]: String(manifest.archive.size) },
    body: Readable.toWeb(archive) as ReadableStream<Uint8Array>,
    signal,
  });
  if (res.status !== 200) throw await failure(res, "restore refused");
  return restoreResultSchema.parse(await boundedJson(res));
}
