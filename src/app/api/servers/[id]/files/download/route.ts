import { answer, proxyDownload } from "~/server/files/proxy";
import { requireFileUser } from "~/server/files/route-guard";

export const dynamic = "force-dynamic";

/** GET ?path=<relative path>: the file's bytes from the server's agent, streamed. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await requireFileUser(req, false);
  if (user instanceof Response) return user;
  const { id } = await params;
  return answer(() => proxyDownload(user, id, new URL(req.url).searchParams.get("path") ?? ""));
}
