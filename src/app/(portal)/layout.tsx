import type { ReactNode } from "react";
import { SignOutButton } from "~/components/auth/sign-out-button";
import { SuspensionBanner } from "~/components/account/suspension-banner";
import { Logo } from "~/components/logo";
import { PortalNav } from "~/components/portal-nav";
import Link from "next/link";
import { isAdmin } from "~/server/admin/roles";
import { requireSession } from "~/server/auth/guard";

/** Everything under (portal) needs a session: signed-out visitors are redirected to sign in and back. */
export default async function PortalLayout({ children }: { children: ReactNode }) {
  const session = await requireSession();
  const admin = await isAdmin(session.user.id);
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-20 border-b border-white/5 bg-zinc-950/80 backdrop-blur-lg">
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-4 px-4 sm:px-6">
          <Logo href="/dashboard" />
          <PortalNav className="ml-4 hidden sm:flex" />
          <div className="ml-auto flex min-w-0 items-center gap-2">
            {admin && (
              <Link href="/admin/users" className="rounded-md px-2 py-1 text-sm font-medium text-amber-300 hover:bg-white/5">
                Operator
              </Link>
            )}
            <span className="hidden truncate text-sm text-zinc-400 md:inline" data-testid="user-email" title={session.user.email}>
              {session.user.email}
            </span>
            <SignOutButton />
          </div>
        </div>
        <PortalNav className="overflow-x-auto border-t border-white/5 px-3 py-2 sm:hidden" />
      </header>
      <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6 sm:py-10">
        <SuspensionBanner userId={session.user.id} />
        {children}
      </main>
    </div>
  );
}
