import type { Metadata } from "next";
import { ChangeEmailForm } from "~/components/account/change-email-form";
import { DeleteAccountForm } from "~/components/account/delete-account-form";
import { EmailStatus } from "~/components/account/email-status";
import { Card, CardBody, CardDescription, CardHeader, CardTitle, PageHeader } from "~/components/ui";
import { HydrateClient, getQueryClient, trpc } from "~/trpc/server";
import { requireSession } from "~/server/auth/guard";

export const metadata: Metadata = { title: "Email and account" };

export default async function AccountSettingsPage() {
  await requireSession("/settings/account");
  const status = await getQueryClient().fetchQuery(trpc.accountEmail.status.queryOptions());
  return (
    <HydrateClient>
      <PageHeader title="Email and account" description="Your address, a new address, or leaving for good." />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Email address</CardTitle>
            <CardDescription>Where we send alerts and sign-in help.</CardDescription>
          </CardHeader>
          <CardBody>
            <EmailStatus />
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Change email</CardTitle>
            <CardDescription>We email a link to the new address; the old one is told about it.</CardDescription>
          </CardHeader>
          <CardBody>
            <ChangeEmailForm />
          </CardBody>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Delete account</CardTitle>
            <CardDescription>We keep only the billing records the law requires.</CardDescription>
          </CardHeader>
          <CardBody>
            <DeleteAccountForm email={status.email} />
          </CardBody>
        </Card>
      </div>
    </HydrateClient>
  );
}
