"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Button, EmptyState, Field } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

/** The account's SSH keys: list with fingerprints, add (pasted public key), remove. */
export function SshKeys() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQuery(trpc.ssh.listKeys.queryOptions());
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.ssh.listKeys.queryKey() });
  const add = useMutation(trpc.ssh.addKey.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.ssh.removeKey.mutationOptions({ onSuccess: invalidate }));
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setError(null);
    try {
      await add.mutateAsync({ name: String(data.get("name") ?? ""), publicKey: String(data.get("publicKey") ?? "") });
      form.reset();
    } catch (err) {
      const fe = formError(err);
      setError(fe.fields.publicKey ?? fe.fields.name ?? fe.message);
    }
  }

  return (
    <div className="space-y-6">
      {keys.data && keys.data.length === 0 && <EmptyState title="No SSH keys yet" description="Add a public key to log in to your dev servers with ssh, scp, sftp or VS Code Remote-SSH." />}
      {keys.data && keys.data.length > 0 && (
        <ul className="divide-y divide-white/5 rounded-lg ring-1 ring-white/10" aria-label="SSH keys">
          {keys.data.map((k) => (
            <li key={k.id} className="flex items-center justify-between gap-4 p-4">
              <div className="min-w-0">
                <div className="font-medium text-white">{k.name}</div>
                <div className="font-mono text-xs break-all text-zinc-400">{k.fingerprint}</div>
                <div className="text-xs text-zinc-500">
                  {k.type} · added {k.createdAt.toLocaleDateString("en", { dateStyle: "medium" })}
                </div>
              </div>
              <Button variant="danger" size="sm" pending={remove.isPending && remove.variables?.id === k.id} onClick={() => remove.mutate({ id: k.id })}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onSubmit} className="space-y-4" aria-label="Add SSH key" noValidate>
        {error && <Alert tone="danger">{error}</Alert>}
        <Field label="Name" name="name" placeholder="Laptop" maxLength={100} hint="Optional: the key's comment is used otherwise." />
        <label className="block space-y-1.5 text-sm">
          <span className="font-medium text-zinc-200">Public key</span>
          <textarea
            name="publicKey"
            required
            rows={3}
            spellCheck={false}
            placeholder="ssh-ed25519 AAAAC3Nza… you@laptop"
            className="w-full rounded-lg bg-white/5 p-3 font-mono text-xs text-zinc-100 ring-1 ring-white/10 ring-inset focus:ring-brand-400"
          />
          <span className="text-xs text-zinc-500">The contents of ~/.ssh/id_ed25519.pub (ed25519, ECDSA, RSA 2048+ or a security key).</span>
        </label>
        <Button type="submit" pending={add.isPending}>
          Add key
        </Button>
      </form>
    </div>
  );
}
