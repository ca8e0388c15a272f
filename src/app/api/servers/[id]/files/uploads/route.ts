import { answer, jsonError, proxyUploadCreate } from "~/server/files/proxy";
import { requireFileUser } from "~/server/files/route-guard";

export const dynamic = "force-dynamic";

/** POST { path, size, sha256?, overwrite? }: starts a resumable upload on the server's agent. */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await requireFileUser(req, true);
  if (user instanceof Response) return user;
  const { id } = await params;
  let body: unknown;
  try {
    body = JSON.parse((await req.text()).slice(0, 16 * 1024));
  } catch {
    return jsonError(400, "expected a JSON body");
  }
  return answer(() => proxyUploadCreate(user, id, body));
}
