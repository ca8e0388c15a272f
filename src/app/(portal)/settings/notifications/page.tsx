import type { Metadata } from "next";
import { PreferenceToggles } from "~/components/notifications/preference-toggles";
import { WebhooksManager } from "~/components/notifications/webhooks-manager";
import { Card, CardBody, CardDescription, CardHeader, CardTitle, PageHeader } from "~/components/ui";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { requireSession } from "~/server/auth/guard";

export const metadata: Metadata = { title: "Alerts" };

export default async function NotificationSettingsPage() {
  await requireSession("/settings/notifications");
  prefetch(trpc.notifications.preferences.queryOptions());
  prefetch(trpc.notifications.webhooks.queryOptions());
  prefetch(trpc.servers.list.queryOptions());
  return (
    <HydrateClient>
      <PageHeader title="Alerts" description="Crashes, failed backups, idle stops and billing: by email and to your webhooks." />
      <div className="grid gap-6 lg:grid-cols-5">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Email</CardTitle>
            <CardDescription>One message per event, and repeats are held back: a crash loop does not send twenty emails.</CardDescription>
          </CardHeader>
          <CardBody>
            <PreferenceToggles />
          </CardBody>
        </Card>
        <Card className="lg:col-span-3">
          <CardHeader>
            <CardTitle>Webhooks</CardTitle>
            <CardDescription>
              Per server. Signed JSON carries X-ZLH-Timestamp and X-ZLH-Signature: v1=hex(HMAC-SHA256(secret, timestamp + &quot;.&quot; + body)). Failed calls are retried with backoff.
            </CardDescription>
          </CardHeader>
          <CardBody>
            <WebhooksManager />
          </CardBody>
        </Card>
      </div>
    </HydrateClient>
  );
}
