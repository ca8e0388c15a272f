"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Button } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import type { ServerLiveData } from "./types";

/**
 * Power buttons. One action at a time: every button is disabled while a request is pending or the
 * agent reports an action holding its lock; a second request from elsewhere gets the server's 409.
 */
export function PowerButtons({ data }: { data: ServerLiveData }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const opts = { onError: (e: { message: string }) => setError(e.message), onSuccess: () => (setError(null), void qc.invalidateQueries()) };
  const game = useMutation(trpc.servers.game.mutationOptions(opts));
  const start = useMutation(trpc.servers.start.mutationOptions(opts));
  const stop = useMutation(trpc.servers.stop.mutationOptions(opts));
  const restart = useMutation(trpc.servers.restart.mutationOptions(opts));
  const { server, live } = data;
  const serverId = server.id;
  const busy = game.isPending || start.isPending || stop.isPending || restart.isPending || Boolean(live.game?.action) || ["starting", "stopping", "provisioning", "deleting"].includes(server.status);
  const phase = live.game?.state;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2" role="group" aria-label="Power">
        {server.status !== "running" ? (
          <Button onClick={() => start.mutate({ serverId })} pending={start.isPending} disabled={busy || !["stopped", "error"].includes(server.status)}>
            Start server
          </Button>
        ) : server.kind === "game" ? (
          <>
            <Button onClick={() => game.mutate({ serverId, action: "start" })} pending={game.isPending && game.variables?.action === "start"} disabled={busy || phase === "running" || phase === "starting"}>
              Start
            </Button>
            <Button variant="secondary" onClick={() => game.mutate({ serverId, action: "stop" })} pending={game.isPending && game.variables?.action === "stop"} disabled={busy || phase === "stopped"}>
              Stop
            </Button>
            <Button variant="secondary" onClick={() => game.mutate({ serverId, action: "restart" })} pending={game.isPending && game.variables?.action === "restart"} disabled={busy}>
              Restart
            </Button>
            <Button variant="danger" onClick={() => game.mutate({ serverId, action: "kill" })} pending={game.isPending && game.variables?.action === "kill"} disabled={busy || phase === "stopped"} title="Ends the game process at once (SIGKILL); it counts as a crash">
              Kill
            </Button>
          </>
        ) : (
          <>
            <Button variant="secondary" onClick={() => restart.mutate({ serverId })} pending={restart.isPending} disabled={busy}>
              Restart
            </Button>
            <Button variant="secondary" onClick={() => stop.mutate({ serverId })} pending={stop.isPending} disabled={busy}>
              Stop
            </Button>
          </>
        )}
      </div>
      {live.game?.action && <p className="text-xs text-zinc-400">A {live.game.action} is in progress…</p>}
      {error && <Alert tone="danger">{error}</Alert>}
    </div>
  );
}
