import type { Metadata } from "next";
import { AdminArtifacts } from "~/components/admin/artifacts";
import { PageHeader } from "~/components/ui";
import { requireAdmin } from "~/server/admin/guard";

export const metadata: Metadata = { title: "Artifacts" };

export default async function AdminArtifactsPage() {
  await requireAdmin();
  return (
    <>
      <PageHeader title="Artifacts" description="The catalog with its channels; builds run the artifacts CLI in the background, one at a time." />
      <AdminArtifacts />
    </>
  );
}
