import type { Metadata } from "next";
import { ChangePasswordForm } from "~/components/account/change-password-form";
import { SignOutEverywhereButton } from "~/components/account/sign-out-everywhere-button";
import { ButtonLink, Card, CardBody, CardDescription, CardHeader, CardTitle, PageHeader } from "~/components/ui";
import { HydrateClient, getQueryClient, trpc } from "~/trpc/server";
import { requireSession } from "~/server/auth/guard";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requireSession("/settings");
  const me = await getQueryClient().fetchQuery(trpc.account.me.queryOptions());
  return (
    <HydrateClient>
      <PageHeader title="Settings" description="Your account and sign-in." />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-1">
          <CardHeader>
            <CardTitle>Account</CardTitle>
            <CardDescription>The email you sign in with.</CardDescription>
          </CardHeader>
          <CardBody className="space-y-3 text-sm">
            <div>
              <div className="text-zinc-500">Email</div>
              <div className="font-medium break-all text-white">{me.email}</div>
            </div>
            <div>
              <div className="text-zinc-500">Member since</div>
              <div className="text-zinc-200">{me.createdAt.toLocaleDateString("en", { dateStyle: "long" })}</div>
            </div>
          </CardBody>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Change password</CardTitle>
            <CardDescription>You need your current password. Other devices are signed out.</CardDescription>
          </CardHeader>
          <CardBody>
            <ChangePasswordForm email={me.email} />
          </CardBody>
        </Card>
        <Card className="lg:col-span-3">
          <CardHeader>
            <CardTitle>Sessions</CardTitle>
            <CardDescription>Signs out every browser and closes every IDE tab of this account, this one included.</CardDescription>
          </CardHeader>
          <CardBody>
            <SignOutEverywhereButton />
          </CardBody>
        </Card>
        <Card className="lg:col-span-3">
          <CardHeader>
            <CardTitle>Email, alerts and account</CardTitle>
            <CardDescription>Confirm or change your address, choose which alerts you get by email or webhook, or delete the account.</CardDescription>
          </CardHeader>
          <CardBody className="flex flex-wrap gap-3">
            <ButtonLink href="/settings/notifications" variant="secondary">Alerts and webhooks</ButtonLink>
            <ButtonLink href="/settings/account" variant="secondary">Email and account</ButtonLink>
          </CardBody>
        </Card>
        <Card className="lg:col-span-3">
          <CardHeader>
            <CardTitle>SSH keys</CardTitle>
            <CardDescription>Public keys for ssh, sftp and VS Code Remote-SSH on your dev servers; tailnet auth keys.</CardDescription>
          </CardHeader>
          <CardBody>
            <ButtonLink href="/settings/ssh" variant="secondary">Manage SSH keys</ButtonLink>
          </CardBody>
        </Card>
      </div>
    </HydrateClient>
  );
}
