import type { Metadata } from "next";
import { ServerCards } from "~/components/servers/server-cards";
import { ButtonLink, EmptyState, PageHeader } from "~/components/ui";
import { requireSession } from "~/server/auth/guard";
import { db } from "~/server/db/client";

export const metadata: Metadata = { title: "Dashboard" };

/**
 * The signed-in home. With no servers it shows the empty state; once the user has servers the
 * `servers` region below holds the server list (provided by the provisioning area).
 */
export default async function DashboardPage() {
  const session = await requireSession("/dashboard");
  const serverCount = await db.server.count({ where: { userId: session.user.id, status: { not: "deleted" } } });
  const create = <ButtonLink href="/servers/new">Create server</ButtonLink>;
  return (
    <>
      <PageHeader title="Dashboard" description="Your game servers and dev containers." actions={serverCount > 0 ? create : undefined} />
      {serverCount === 0 ? (
        <EmptyState
          icon={
            <svg viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" aria-hidden="true">
              <rect x="3" y="4" width="18" height="7" rx="2" />
              <rect x="3" y="13" width="18" height="7" rx="2" />
              <path d="M7 7.5h.01M7 16.5h.01" />
            </svg>
          }
          title="No servers yet"
          description="Create a Minecraft server for your friends or a dev container with VS Code in the browser. It takes about a minute."
          action={create}
        />
      ) : (
        <section aria-label="Your servers" data-region="servers">
          <ServerCards />
          <p className="mt-4 text-xs text-zinc-500">
            Charts show the CPU and memory of each server&apos;s agent process, sampled by the portal every few seconds while this page is open.
          </p>
        </section>
      )}
    </>
  );
}
