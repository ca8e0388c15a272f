import "server-only";

import { notFound } from "next/navigation";
import { cache } from "react";
import { currentSession } from "../auth/guard";
import type { AppSession } from "../auth/session";
import { isAdmin } from "./roles";

/**
 * For /admin pages: the session of a signed-in admin, or Next's 404 for everyone else (signed out
 * included), so the console is indistinguishable from a page that does not exist. Checked in the
 * layout and again in every page (layouts are not re-rendered on client-side navigation).
 */
export const requireAdmin = cache(async (): Promise<AppSession> => {
  const session = await currentSession();
  if (!session || !(await isAdmin(session.user.id))) notFound();
  return session;
});
