import { getSession } from "~/server/auth/session";
import { downloadBackup } from "~/server/backups/download";

export const dynamic = "force-dynamic";

/** GET: the backup's tar.gz for the server's owner (Range supported, so downloads resume). */
export async function GET(req: Request, { params }: { params: Promise<{ id: string; backupId: string }> }) {
  const session = await getSession();
  if (!session) return Response.json({ error: "Sign in first." }, { status: 401 });
  const { id, backupId } = await params;
  return downloadBackup(session.user.id, id, backupId, req.headers);
}
