import type { Metadata } from "next";
import { AdminUsers } from "~/components/admin/users";
import { PageHeader } from "~/components/ui";
import { requireAdmin } from "~/server/admin/guard";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  await requireAdmin();
  return (
    <>
      <PageHeader title="Users" description="Plans, standing and servers of every account; suspend with a reason the user sees." />
      <AdminUsers />
    </>
  );
}
