"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Badge, Button, EmptyState, Field } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

/** Per-server webhooks: add (the signing secret is shown once), see the last delivery, remove. */
export function WebhooksManager() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const hooks = useQuery(trpc.notifications.webhooks.queryOptions());
  const servers = useQuery(trpc.servers.list.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.notifications.webhooks.queryKey() });
  const create = useMutation(trpc.notifications.createWebhook.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.notifications.deleteWebhook.mutationOptions({ onSuccess: refresh }));
  const test = useMutation(trpc.notifications.testWebhook.mutationOptions());
  const [tested, setTested] = useState<{ id: string; ok: boolean; text: string } | null>(null);

  async function onTest(webhookId: string) {
    setTested(null);
    try {
      const r = await test.mutateAsync({ webhookId });
      setTested({ id: webhookId, ok: true, text: `Delivered: the receiver answered HTTP ${r.status}.` });
    } catch (err) {
      setTested({ id: webhookId, ok: false, text: formError(err).message });
    }
  }
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setError(null);
    setSecret(null);
    try {
      const r = await create.mutateAsync({
        serverId: String(data.get("serverId") ?? ""),
        url: String(data.get("url") ?? ""),
        format: data.get("format") === "generic" ? "generic" : "discord",
      });
      form.reset();
      if (r.webhook.format === "generic") setSecret(r.secret);
    } catch (err) {
      setError(formError(err).message);
    }
  }

  const list = hooks.data ?? [];
  const mine = servers.data ?? [];
  return (
    <div className="space-y-6">
      {list.length === 0 ? (
        <EmptyState title="No webhooks yet" description="Send crash, backup and idle alerts of a server to Discord or your own endpoint." />
      ) : (
        <ul className="divide-y divide-white/5" data-testid="webhooks">
          {list.map((h) => (
            <li key={h.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
              <div className="min-w-0">
                <div className="flex items-center gap-2">
                  <span className="font-medium text-white">{h.serverName}</span>
                  <Badge tone="neutral">{h.format === "discord" ? "Discord" : "Signed JSON"}</Badge>
                  {h.lastDelivery && (
                    <Badge tone={h.lastDelivery.status === "delivered" ? "success" : h.lastDelivery.status === "failed" ? "danger" : "info"}>
                      last: {h.lastDelivery.status}{h.lastDelivery.responseStatus ? ` (HTTP ${h.lastDelivery.responseStatus})` : ""}
                    </Badge>
                  )}
                </div>
                <div className="truncate font-mono text-xs text-zinc-500">{h.url}</div>
              </div>
              <div className="flex gap-1">
                <Button variant="secondary" size="sm" pending={test.isPending && test.variables?.webhookId === h.id} onClick={() => onTest(h.id)}>
                  Send test
                </Button>
                <Button variant="ghost" size="sm" pending={remove.isPending && remove.variables?.webhookId === h.id} onClick={() => remove.mutate({ webhookId: h.id })}>
                  Remove
                </Button>
              </div>
              {tested?.id === h.id && <Alert tone={tested.ok ? "success" : "danger"} className="w-full">{tested.text}</Alert>}
            </li>
          ))}
        </ul>
      )}
      {secret && (
        <Alert tone="success">
          Signing secret (shown once, keep it with your receiver): <code className="font-mono break-all" data-testid="webhook-secret">{secret}</code>
        </Alert>
      )}
      {error && <Alert tone="danger">{error}</Alert>}
      {mine.length > 0 ? (
        <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" aria-label="Add webhook">
          <label className="space-y-1.5 text-sm">
            <span className="block font-medium text-zinc-300">Server</span>
            <select name="serverId" className="block h-10 w-full rounded-lg bg-zinc-900/80 px-3 text-zinc-100 ring-1 ring-white/10">
              {mine.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </label>
          <label className="space-y-1.5 text-sm">
            <span className="block font-medium text-zinc-300">Format</span>
            <select name="format" className="block h-10 w-full rounded-lg bg-zinc-900/80 px-3 text-zinc-100 ring-1 ring-white/10">
              <option value="discord">Discord webhook</option>
              <option value="generic">Signed JSON (HMAC-SHA256)</option>
            </select>
          </label>
          <Field className="sm:col-span-2" label="Webhook URL" name="url" type="url" placeholder="https://discord.com/api/webhooks/…" required />
          <div className="sm:col-span-2">
            <Button type="submit" pending={create.isPending}>Add webhook</Button>
          </div>
        </form>
      ) : (
        <p className="text-sm text-zinc-500">Create a server first; webhooks belong to a server.</p>
      )}
    </div>
  );
}
