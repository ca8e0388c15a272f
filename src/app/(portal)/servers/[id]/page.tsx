import type { Metadata } from "next";
import { Suspense } from "react";
import { ServerView } from "~/components/servers/server-view";
import { env } from "~/env";
import { requireSession } from "~/server/auth/guard";
import { deployment } from "~/server/ssh/config";

export const metadata: Metadata = { title: "Server" };

export default async function ServerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireSession(`/servers/${id}`);
  return (
    <Suspense>
      <ServerView serverId={id} devDomain={env.ZLH_DEV_DOMAIN} sshGateway={deployment().gateway ?? null} />
    </Suspense>
  );
}
