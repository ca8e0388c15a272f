import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "~/components/logo";
import { ButtonLink } from "~/components/ui";
import { currentSession } from "~/server/auth/guard";

export default async function PublicLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-20 border-b border-white/5 bg-zinc-950/70 backdrop-blur-lg">
        <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-4 sm:px-6">
          <Logo />
          <nav className="hidden items-center gap-6 text-sm text-zinc-400 md:flex" aria-label="Main">
            <a href="/#features" className="hover:text-white">Features</a>
            <a href="/#pricing" className="hover:text-white">Pricing</a>
            <a href="/#faq" className="hover:text-white">FAQ</a>
          </nav>
          <div className="flex items-center gap-2">
            {session ? (
              <ButtonLink href="/dashboard" size="sm">Dashboard</ButtonLink>
            ) : (
              <>
                <ButtonLink href="/signin" variant="ghost" size="sm">Sign in</ButtonLink>
                <ButtonLink href="/signup" size="sm">Get started</ButtonLink>
              </>
            )}
          </div>
        </div>
      </header>
      <main className="flex-1">{children}</main>
      <footer className="border-t border-white/5">
        <div className="mx-auto flex max-w-6xl flex-col items-center justify-between gap-4 px-4 py-8 text-sm text-zinc-500 sm:flex-row sm:px-6">
          <Logo className="opacity-80" />
          <p>Game servers and dev containers that stay up. © {new Date().getFullYear()} ZeroLagHub</p>
          <div className="flex gap-4">
            <Link href="/signin" className="hover:text-zinc-300">Sign in</Link>
            <Link href="/signup" className="hover:text-zinc-300">Create account</Link>
          </div>
        </div>
      </footer>
    </div>
  );
}
