import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AdminNav } from "~/components/admin/admin-nav";
import { SignOutButton } from "~/components/auth/sign-out-button";
import { Logo } from "~/components/logo";
import { requireAdmin } from "~/server/admin/guard";

export const metadata: Metadata = { title: { default: "Operator console", template: "%s · Operator console · ZeroLagHub" }, robots: { index: false, follow: false } };

/** The operator console: admins only; everyone else gets a 404. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await requireAdmin();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-20 border-b border-amber-400/20 bg-zinc-950/80 backdrop-blur-lg">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-4 px-4 sm:px-6">
          <Logo href="/dashboard" />
          <span className="rounded bg-amber-400/10 px-2 py-0.5 text-xs font-semibold uppercase tracking-wide text-amber-300">Operator</span>
          <AdminNav className="ml-2 hidden md:flex" />
          <div className="ml-auto flex min-w-0 items-center gap-2">
            <span className="hidden truncate text-sm text-zinc-400 lg:inline">{session.user.email}</span>
            <SignOutButton />
          </div>
        </div>
        <AdminNav className="overflow-x-auto border-t border-white/5 px-3 py-2 md:hidden" />
      </header>
      <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-8 sm:px-6">{children}</main>
    </div>
  );
}
