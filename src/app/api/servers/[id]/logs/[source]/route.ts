import { answer } from "~/server/files/proxy";
import { requireFileUser } from "~/server/files/route-guard";
import { logDownload } from "~/server/logs/service";

export const dynamic = "force-dynamic";

/** GET: the server's whole game or code-server log as a download, streamed from its agent. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string; source: string }> }) {
  const user = await requireFileUser(req, false);
  if (user instanceof Response) return user;
  const { id, source } = await params;
  return answer(() => logDownload(user, id, source));
}
