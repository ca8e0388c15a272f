"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Badge, Button, Card, CardBody, CardHeader, CardTitle, Spinner } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

/** Runtimes in a dev container: install or upgrade from the catalog, roll back, remove. */
export function RuntimesPanel({ serverId }: { serverId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.addons.runtimes.queryOptions({ serverId }));
  const done = () => qc.invalidateQueries({ queryKey: trpc.addons.runtimes.queryKey({ serverId }) });
  const install = useMutation(trpc.addons.installRuntime.mutationOptions({ onSettled: done }));
  const rollback = useMutation(trpc.addons.rollbackRuntime.mutationOptions({ onSettled: done }));
  const remove = useMutation(trpc.addons.removeRuntime.mutationOptions({ onSettled: done }));
  const [pick, setPick] = useState("");
  const error = install.error ?? rollback.error ?? remove.error;
  const options = q.data?.available.flatMap((r) => r.versions.map((v) => ({ key: `${r.name}@${v.version}`, name: r.name, version: v.version, label: `${r.displayName} ${v.version}${v.channels.length ? ` (${v.channels.join(", ")})` : ""}` }))) ?? [];
  const chosen = options.find((o) => o.key === pick) ?? options[0];
  const names = [...new Set(q.data?.installed.map((r) => r.name) ?? [])];
  return (
    <Card data-testid="runtimes-panel">
      <CardHeader>
        <CardTitle>Runtimes</CardTitle>
      </CardHeader>
      <CardBody className="space-y-4">
        {q.isPending ? (
          <Spinner />
        ) : q.isError ? (
          <Alert tone="info">{q.error.message}</Alert>
        ) : (
          <>
            {error && <Alert tone="danger">{error.message}</Alert>}
            {install.isPending && (
              <p className="flex items-center gap-2 text-sm text-zinc-300">
                <Spinner className="size-4" /> Installing {install.variables?.name} {install.variables?.version}: downloading and checking its sha256…
              </p>
            )}
            <ul className="divide-y divide-white/5 text-sm">
              {q.data.installed.length === 0 && <li className="py-2 text-zinc-400">No runtime installed.</li>}
              {q.data.installed.map((r) => (
                <li key={`${r.name}@${r.version}`} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span className="text-zinc-200">
                    {r.name} <span className="font-mono">{r.version}</span> {r.current && <Badge tone="success">current</Badge>}
                  </span>
                  {!r.current && (
                    <Button size="sm" variant="ghost" pending={remove.isPending && remove.variables?.version === r.version} onClick={() => remove.mutate({ serverId, name: r.name, version: r.version })}>
                      Remove
                    </Button>
                  )}
                </li>
              ))}
            </ul>
            {names.map((n) =>
              q.data.installed.filter((r) => r.name === n).length > 1 ? (
                <Button key={n} size="sm" variant="secondary" pending={rollback.isPending && rollback.variables?.name === n} onClick={() => rollback.mutate({ serverId, name: n })}>
                  Roll back {n} to the previous version
                </Button>
              ) : null,
            )}
            {options.length > 0 && (
              <form
                className="flex flex-wrap gap-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (chosen) install.mutate({ serverId, name: chosen.name, version: chosen.version });
                }}
              >
                <select className="h-9 rounded-lg bg-zinc-900/80 px-3 text-sm text-zinc-100 ring-1 ring-inset ring-white/10" aria-label="Runtime to install" value={chosen?.key ?? ""} onChange={(e) => setPick(e.target.value)}>
                  {options.map((o) => (
                    <option key={o.key} value={o.key}>
                      {o.label}
                    </option>
                  ))}
                </select>
                <Button size="sm" type="submit" pending={install.isPending}>
                  Install or upgrade
                </Button>
              </form>
            )}
          </>
        )}
      </CardBody>
    </Card>
  );
}
