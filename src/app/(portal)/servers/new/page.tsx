import type { Metadata } from "next";
import { CreateWizard } from "~/components/servers/create-wizard";
import { PageHeader } from "~/components/ui";
import { requireSession } from "~/server/auth/guard";

export const metadata: Metadata = { title: "Create server" };

export default async function NewServerPage() {
  await requireSession("/servers/new");
  return (
    <>
      <PageHeader title="Create server" description="Pick what to run. Setup usually takes under a minute; you can watch every step." />
      <div className="max-w-3xl">
        <CreateWizard />
      </div>
    </>
  );
}
