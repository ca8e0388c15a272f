"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Badge, Button, Card, CardBody, CardHeader, CardTitle, Spinner } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

/** Mods and plugins from the catalog: installed by the agent after checking their sha256; the game loads them on restart. */
export function ModsPanel({ serverId }: { serverId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.addons.mods.queryOptions({ serverId }));
  const done = () => qc.invalidateQueries({ queryKey: trpc.addons.mods.queryKey({ serverId }) });
  const install = useMutation(trpc.addons.installMod.mutationOptions({ onSettled: done }));
  const remove = useMutation(trpc.addons.removeMod.mutationOptions({ onSettled: done }));
  const error = install.error ?? remove.error;
  return (
    <Card data-testid="mods-panel">
      <CardHeader>
        <CardTitle>Mods and plugins</CardTitle>
      </CardHeader>
      <CardBody className="space-y-4">
        {q.isPending ? (
          <Spinner />
        ) : q.isError ? (
          <Alert tone="info">{q.error.message}</Alert>
        ) : q.data.folder === null ? (
          <p className="text-sm text-zinc-400">This game does not load mods or plugins.</p>
        ) : (
          <>
            {error && <Alert tone="danger">{error.message}</Alert>}
            {q.data.restartRequired && <Alert tone="warning" data-testid="restart-required">Restart required: the game loads mod changes when it starts again.</Alert>}
            <ul className="divide-y divide-white/5 text-sm">
              {q.data.mods.length === 0 && <li className="py-2 text-zinc-400">No mods installed from the catalog.</li>}
              {q.data.mods.map((m) => (
                <li key={m.name} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span className="text-zinc-200">
                    {m.name} <span className="font-mono">{m.version}</span> <span className="font-mono text-xs text-zinc-500">sha256 {m.sha256.slice(0, 12)}</span>
                  </span>
                  <Button size="sm" variant="ghost" pending={remove.isPending && remove.variables?.name === m.name} onClick={() => remove.mutate({ serverId, name: m.name })}>
                    Remove
                  </Button>
                </li>
              ))}
            </ul>
            {q.data.unmanaged.length > 0 && <p className="text-xs text-zinc-500">Also in {q.data.folder}/ (uploaded by hand): {q.data.unmanaged.join(", ")}</p>}
            <div className="space-y-2">
              <h3 className="text-sm font-medium text-zinc-300">From the catalog</h3>
              {q.data.available.length === 0 ? (
                <p className="text-sm text-zinc-400">The catalog has no mods for this game yet.</p>
              ) : (
                q.data.available.map((o) => {
                  const have = q.data.mods.find((m) => m.name === o.name);
                  const latest = o.versions[0]!;
                  return (
                    <div key={o.name} className="flex flex-wrap items-center justify-between gap-2 text-sm">
                      <span className="text-zinc-200">
                        {o.displayName} <span className="font-mono">{latest.version}</span> {latest.channels.map((c) => <Badge key={c}>{c}</Badge>)}
                      </span>
                      <Button size="sm" variant="secondary" disabled={have?.version === latest.version} pending={install.isPending && install.variables?.name === o.name} onClick={() => install.mutate({ serverId, name: o.name, version: latest.version })}>
                        {have ? (have.version === latest.version ? "Installed" : "Update") : "Install"}
                      </Button>
                    </div>
                  );
                })
              )}
            </div>
          </>
        )}
      </CardBody>
    </Card>
  );
}
