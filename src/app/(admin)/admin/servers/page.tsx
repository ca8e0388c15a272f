import type { Metadata } from "next";
import { AdminServers } from "~/components/admin/servers";
import { PageHeader } from "~/components/ui";
import { requireAdmin } from "~/server/admin/guard";

export const metadata: Metadata = { title: "Servers" };

export default async function AdminServersPage() {
  await requireAdmin();
  return (
    <>
      <PageHeader title="Servers" description="Every server across users: state, provider, node and the agent's resource use." />
      <AdminServers />
    </>
  );
}
