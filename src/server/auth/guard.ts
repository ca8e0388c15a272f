import "server-only";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { signInUrl } from "~/lib/callback-url";
import { REQUEST_PATH_HEADER } from "./request-context";
import { getSession, type AppSession } from "./session";

/** The session for this render, read once however many components ask. */
export const currentSession = cache(getSession);

/**
 * For pages and layouts that need a signed-in user: returns the session, or redirects to sign-in
 * with a callbackUrl back to the page that asked (`path`, else the path the browser requested).
 * Call it in each protected page too: layouts are not re-rendered on client-side navigation.
 */
export async function requireSession(path?: string): Promise<AppSession> {
  const session = await currentSession();
  if (session) return session;
  const from = path ?? (await headers()).get(REQUEST_PATH_HEADER) ?? "/dashboard";
  redirect(signInUrl(from));
}
