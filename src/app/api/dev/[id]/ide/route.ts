import { getSession } from "~/server/auth/session";
import { db } from "~/server/db/client";
import { portalUrl } from "~/server/ide/config";
import { idePage, PAGE_HEADERS } from "~/server/ide/pages";
import { issueIdeUrl, parseServerRef } from "~/server/ide/service";
import { ideWakeResponse } from "~/server/idle/ide-wake";

export const dynamic = "force-dynamic";

/**
 * GET /api/dev/:id/ide: the "Open IDE" link. Redirects the owner to the hosted IDE with a one-shot
 * token (no client JavaScript needed); a signed-out visitor goes to sign in and comes back here.
 * `:id` is the server id, or its vmid for the legacy `/__ide/<vmid>` links.
 */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const noStore = { "cache-control": "no-store", "referrer-policy": "no-referrer" };
  const ref = parseServerRef(id);
  const session = await getSession();
  if (!session) {
    const back = ref ? `/api/dev/${encodeURIComponent(id)}/ide` : "/";
    return new Response(null, { status: 302, headers: { ...noStore, location: `/signin?callbackUrl=${encodeURIComponent(back)}` } });
  }
  // A stopped (idle auto-stopped) dev container starts here and the page waits for VS Code (#18).
  const wake = ref ? await ideWakeResponse(session.user.id, ref, `/api/dev/${encodeURIComponent(id)}/ide${new URL(req.url).search}`) : null;
  if (wake) return wake;
  const r = ref ? await issueIdeUrl(db, session.user.id, ref) : ({ ok: false, reason: "not-found" } as const);
  if (r.ok) return new Response(null, { status: 302, headers: { ...noStore, location: r.url } });
  const { status, html } = idePage(r.reason, new URL("/", portalUrl()).href);
  return new Response(html, { status, headers: PAGE_HEADERS });
}
