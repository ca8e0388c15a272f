import { getServerSession } from "next-auth";
import { authOptions } from "./options";

/** The signed-in user as every procedure and route sees it. */
export type SessionUser = { id: string; email: string; name?: string | null };
export type AppSession = { user: SessionUser; expires: string };

/** The current session in a server component, route handler or tRPC context; null when signed out. */
export async function getSession(): Promise<AppSession | null> {
  const s = await getServerSession(authOptions);
  const user = s?.user as Partial<SessionUser> | undefined;
  if (!s || !user?.id || !user.email) return null;
  return { user: { id: user.id, email: user.email, name: user.name ?? null }, expires: s.expires };
}
