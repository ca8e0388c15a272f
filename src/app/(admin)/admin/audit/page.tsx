import type { Metadata } from "next";
import { Suspense } from "react";
import { AdminAudit } from "~/components/admin/audit";
import { PageHeader } from "~/components/ui";
import { requireAdmin } from "~/server/admin/guard";

export const metadata: Metadata = { title: "Audit log" };

export default async function AdminAuditPage() {
  await requireAdmin();
  return (
    <>
      <PageHeader title="Audit log" description="Sign-ins, key changes, IDE tokens issued and admin actions." />
      <Suspense>
        <AdminAudit />
      </Suspense>
    </>
  );
}
