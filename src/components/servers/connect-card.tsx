"use client";

import { useQuery } from "@tanstack/react-query";
import { CopyButton } from "~/components/ssh/copy-button";
import { Card, CardBody, CardHeader, CardTitle } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

/** The address players type into Minecraft, and what the game answers to a server list ping. */
export function ConnectCard({ serverId, running }: { serverId: string; running: boolean }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.game.connect.queryOptions({ serverId }), refetchInterval: running ? 5_000 : false, retry: false });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Connect</CardTitle>
      </CardHeader>
      <CardBody className="space-y-3">
        {q.isPending ? (
          <p className="text-sm text-zinc-400">Looking up the address…</p>
        ) : q.isError ? (
          <p className="text-sm text-zinc-400">{q.error.message}</p>
        ) : (
          <>
            <div className="flex flex-wrap items-center gap-2">
              <code className="rounded-md bg-black/40 px-3 py-1.5 font-mono text-base text-white" data-testid="connect-address">
                {q.data.address}
              </code>
              <CopyButton text={q.data.address} label="Copy address" />
            </div>
            <p className="text-xs text-zinc-500">In Minecraft: Multiplayer → Add Server → paste this address.</p>
            {q.data.status ? (
              <dl className="grid grid-cols-2 gap-2 text-sm">
                <dt className="text-zinc-500">Players online</dt>
                <dd className="text-zinc-200" data-testid="players-online">
                  {q.data.status.online ?? "?"} / {q.data.status.max ?? "?"}
                  {q.data.status.players.length > 0 && <span className="block text-xs text-zinc-400">{q.data.status.players.join(", ")}</span>}
                </dd>
                <dt className="text-zinc-500">Message of the day</dt>
                <dd className="break-words text-zinc-200" data-testid="motd">
                  {q.data.status.motd || "–"}
                </dd>
                {q.data.status.version && (
                  <>
                    <dt className="text-zinc-500">Version</dt>
                    <dd className="text-zinc-200">{q.data.status.version}</dd>
                  </>
                )}
              </dl>
            ) : (
              running && q.data.statusError && <p className="text-xs text-zinc-500">The game did not answer a status ping: {q.data.statusError}</p>
            )}
          </>
        )}
      </CardBody>
    </Card>
  );
}
