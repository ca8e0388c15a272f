import { answer, jsonError, proxyUploadCreate } from "~/server/files/proxy";
import { requireFileUser } from "~/server/files/route-guard";
import { payloadTooLarge, readBounded } from "~/server/http/bounded-body";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 16 * 1024;

/** POST { path, size, sha256?, overwrite? }: starts a resumable upload on the server's agent. */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await requireFileUser(req, true);
  if (user instanceof Response) return user;
  const { id } = await params;
  // A small JSON object: streamed with a limit (a chunked body has no Content-Length to check).
  const raw = await readBounded(req, MAX_BODY_BYTES);
  if (!raw.ok) return payloadTooLarge(MAX_BODY_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(raw.bytes.toString("utf8"));
  } catch {
    return jsonError(400, "expected a JSON body");
  }
  return answer(() => proxyUploadCreate(user, id, body));
}
