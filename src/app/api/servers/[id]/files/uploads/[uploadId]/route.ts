import { answer, proxyUploadChunk, proxyUploadState } from "~/server/files/proxy";
import { requireFileUser } from "~/server/files/route-guard";

export const dynamic = "force-dynamic";
type Ctx = { params: Promise<{ id: string; uploadId: string }> };

/** PUT ?offset=N with the raw chunk: appends it (it must start at the upload's current offset). */
export async function PUT(req: Request, { params }: Ctx) {
  const user = await requireFileUser(req, true);
  if (user instanceof Response) return user;
  const { id, uploadId } = await params;
  return answer(() => proxyUploadChunk(user, id, uploadId, new URL(req.url).searchParams.get("offset"), req));
}

/** GET: the upload's state; a client resumes from its `offset`. */
export async function GET(req: Request, { params }: Ctx) {
  const user = await requireFileUser(req, false);
  if (user instanceof Response) return user;
  const { id, uploadId } = await params;
  return answer(() => proxyUploadState(user, id, uploadId, "GET"));
}

/** DELETE: abandons the upload. */
export async function DELETE(req: Request, { params }: Ctx) {
  const user = await requireFileUser(req, true);
  if (user instanceof Response) return user;
  const { id, uploadId } = await params;
  return answer(() => proxyUploadState(user, id, uploadId, "DELETE"));
}
