"use client";

import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Alert, Spinner } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

/**
 * Shown where a stopped (idle auto-stopped) server's console would be: opening it starts the
 * server and says so; the page's own polling swaps in the console once the server runs.
 */
export function WakeOnOpen({ serverId, status }: { serverId: string; status: string }) {
  const trpc = useTRPC();
  const wake = useMutation(trpc.idle.wake.mutationOptions());
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current || status !== "stopped") return;
    asked.current = true;
    wake.mutate({ serverId });
  }, [serverId, status, wake]);
  if (wake.isError) return <Alert tone="danger">{wake.error.message}</Alert>;
  return (
    <Alert tone="info">
      <span className="flex items-center gap-2" data-testid="waking">
        <Spinner className="size-4" /> Starting your container… The console opens as soon as it is up.
      </span>
    </Alert>
  );
}
