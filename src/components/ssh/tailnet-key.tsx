"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Button } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import { CopyButton } from "./copy-button";

/** Creates a Headscale pre-auth key; the key is shown once, with its `tailscale up` command. */
export function TailnetKey({ configured }: { configured: boolean }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.ssh.createTailnetKey.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  if (!configured) return <Alert tone="info">Tailnet access is not configured on this deployment.</Alert>;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setError(null);
    try {
      await create.mutateAsync({ reusable: data.get("reusable") === "on", ephemeral: data.get("ephemeral") === "on", expiresInHours: Number(data.get("hours")) });
    } catch (err) {
      setError(formError(err).message);
    }
  }
  const key = create.data;
  return (
    <div className="space-y-4 text-sm">
      {error && <Alert tone="danger">{error}</Alert>}
      {key ? (
        <div className="space-y-2">
          <Alert tone="success">Copy this command now: the key is not shown again. It expires {key.expiresAt.toLocaleString("en")}.</Alert>
          <pre className="overflow-x-auto rounded-lg bg-black/40 p-4 font-mono text-xs text-zinc-200 ring-1 ring-white/10">{key.command}</pre>
          <CopyButton text={key.command} label="Copy command" />
        </div>
      ) : (
        <form onSubmit={onSubmit} className="space-y-3" aria-label="Create tailnet key">
          <label className="flex items-center gap-2 text-zinc-300"><input type="checkbox" name="reusable" /> Reusable (several devices)</label>
          <label className="flex items-center gap-2 text-zinc-300"><input type="checkbox" name="ephemeral" /> Ephemeral (device removed when offline)</label>
          <label className="flex items-center gap-2 text-zinc-300">
            Expires in
            <select name="hours" defaultValue="24" className="rounded bg-white/5 px-2 py-1 ring-1 ring-white/10">
              <option value="1">1 hour</option>
              <option value="24">1 day</option>
              <option value="168">7 days</option>
              <option value="720">30 days</option>
            </select>
          </label>
          <Button type="submit" pending={create.isPending}>Create auth key</Button>
        </form>
      )}
    </div>
  );
}
