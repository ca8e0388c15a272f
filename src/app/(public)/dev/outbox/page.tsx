import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Badge, Card, CardBody, CardDescription, CardHeader, CardTitle, EmptyState } from "~/components/ui";
import { mailConfig } from "~/server/mail/config";
import { listOutbox } from "~/server/mail/outbox";

export const metadata: Metadata = { title: "Outbox (development)" };
// Always read the folder afresh.
export const dynamic = "force-dynamic";

/**
 * Development only: the emails the portal "sent" without SMTP, newest first, with their links
 * clickable and the HTML rendered in a sandboxed frame. A production build answers 404.
 */
export default async function DevOutboxPage() {
  if (process.env.NODE_ENV === "production") notFound();
  const config = mailConfig();
  const messages = config.transport === "outbox" ? await listOutbox(config.dir, 50) : [];
  return (
    <div className="mx-auto w-full max-w-5xl space-y-6 px-4 py-10 sm:px-6">
      <div>
        <h1 className="text-2xl font-semibold text-white">Outbox</h1>
        <p className="mt-1 text-sm text-zinc-400">
          {config.transport === "outbox"
            ? <>No SMTP server is configured (ZLH_SMTP_URL), so emails land in <code className="font-mono">{config.dir}</code> as .eml files. This page exists in development only.</>
            : <>Emails go to the SMTP server in ZLH_SMTP_URL; nothing is kept here.</>}
        </p>
      </div>
      {messages.length === 0 ? (
        <EmptyState title="No emails yet" description="Sign up or ask for a password reset and the message shows up here." />
      ) : (
        messages.map((m) => {
          const links = [...new Set(m.text.match(/https?:\/\/[^\s"<>]+/g) ?? [])];
          return (
            <Card key={m.id} data-testid="outbox-message">
              <CardHeader>
                <CardTitle>{m.subject}</CardTitle>
                <CardDescription>
                  To <span className="text-zinc-200">{m.to}</span> · {new Date(m.createdAt).toLocaleString("en")}
                </CardDescription>
              </CardHeader>
              <CardBody className="space-y-4">
                {links.length > 0 && (
                  <ul className="space-y-1 text-sm">
                    {links.map((l) => (
                      <li key={l} className="flex items-center gap-2">
                        <Badge tone="brand">link</Badge>
                        <a href={l} className="break-all text-brand-400 hover:text-brand-300">{l}</a>
                      </li>
                    ))}
                  </ul>
                )}
                <iframe title={`Preview: ${m.subject}`} sandbox="" srcDoc={m.html} className="h-96 w-full rounded-lg bg-zinc-950 ring-1 ring-white/10" />
              </CardBody>
            </Card>
          );
        })
      )}
    </div>
  );
}
