import { redirect } from "next/navigation";
import { requireAdmin } from "~/server/admin/guard";

/** /admin opens the users list (the layout has already answered 404 to non-admins). */
export default async function AdminHome() {
  await requireAdmin();
  redirect("/admin/users");
}
