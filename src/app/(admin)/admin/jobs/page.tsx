import type { Metadata } from "next";
import { AdminJobs } from "~/components/admin/jobs";
import { PageHeader } from "~/components/ui";
import { requireAdmin } from "~/server/admin/guard";

export const metadata: Metadata = { title: "Jobs" };

export default async function AdminJobsPage() {
  await requireAdmin();
  return (
    <>
      <PageHeader title="Jobs" description="pg-boss queues and failed jobs with their errors." />
      <AdminJobs />
    </>
  );
}
