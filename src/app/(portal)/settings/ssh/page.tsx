import type { Metadata } from "next";
import { SshKeys } from "~/components/ssh/ssh-keys";
import { TailnetKey } from "~/components/ssh/tailnet-key";
import { Card, CardBody, CardDescription, CardHeader, CardTitle, PageHeader } from "~/components/ui";
import { HydrateClient, getQueryClient, prefetch, trpc } from "~/trpc/server";
import { requireSession } from "~/server/auth/guard";

export const metadata: Metadata = { title: "SSH keys" };

export default async function SshSettingsPage() {
  await requireSession("/settings/ssh");
  prefetch(trpc.ssh.listKeys.queryOptions());
  const tailnet = await getQueryClient().fetchQuery(trpc.ssh.tailnetStatus.queryOptions());
  return (
    <HydrateClient>
      <PageHeader title="SSH keys" description="Log in to your dev servers from your own terminal or editor." />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Your keys</CardTitle>
            <CardDescription>Keys work on all your dev servers. A removed key stops working at once.</CardDescription>
          </CardHeader>
          <CardBody>
            <SshKeys />
          </CardBody>
        </Card>
        <Card className="lg:col-span-1">
          <CardHeader>
            <CardTitle>Tailnet</CardTitle>
            <CardDescription>Join your devices to the ZeroLagHub tailnet (Headscale).</CardDescription>
          </CardHeader>
          <CardBody>
            <TailnetKey configured={tailnet.configured} />
          </CardBody>
        </Card>
      </div>
    </HydrateClient>
  );
}
