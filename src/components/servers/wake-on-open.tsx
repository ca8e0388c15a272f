"use client";

import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Alert, Button, Spinner } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

/**
 * Shown where a stopped server's console would be: opening it starts the server and says so; the
 * page's own polling swaps in the console once the server runs. An idle auto-stopped server starts
 * at once (`auto`); one its owner stopped asks first, with a button.
 */
export function WakeOnOpen({ serverId, status, auto }: { serverId: string; status: string; auto: boolean }) {
  const trpc = useTRPC();
  const wake = useMutation(trpc.idle.wake.mutationOptions());
  const [wanted, setWanted] = useState(auto);
  const asked = useRef(false);
  useEffect(() => {
    if (!wanted || asked.current || status !== "stopped") return;
    asked.current = true;
    wake.mutate({ serverId });
  }, [serverId, status, wake, wanted]);
  if (wake.isError) return <Alert tone="danger">{wake.error.message}</Alert>;
  if (!wanted && status === "stopped") {
    return (
      <Alert tone="info">
        <span className="flex flex-wrap items-center gap-3">
          The server is stopped.
          <Button size="sm" onClick={() => setWanted(true)} data-testid="wake-console">
            Start it and open the console
          </Button>
        </span>
      </Alert>
    );
  }
  return (
    <Alert tone="info">
      <span className="flex items-center gap-2" data-testid="waking">
        <Spinner className="size-4" /> Starting your container… The console opens as soon as it is up.
      </span>
    </Alert>
  );
}
