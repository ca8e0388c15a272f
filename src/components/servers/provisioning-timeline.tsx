"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert, Badge, ButtonLink, Spinner } from "~/components/ui";
import { cx } from "~/lib/cx";
import { useTRPC } from "~/trpc/react";
import { formatBytes, percent } from "./format";

type EventRow = { id: string; type: string; status: string; message: string; data: unknown; createdAt: Date };
type Progress = { step?: string; phase?: string; bytesDone?: number; bytesTotal?: number; message?: string };

/**
 * The live provisioning view: the server's timeline (ServerEvents, polled) and a progress bar for
 * the running install step (bytes and phase), until the server is running or has failed.
 */
export function ProvisioningTimeline({ serverId, compact = false }: { serverId: string; compact?: boolean }) {
  const trpc = useTRPC();
  const live = useQuery({ ...trpc.monitor.server.queryOptions({ serverId }), refetchInterval: (q) => (q.state.data?.server.status === "provisioning" || q.state.data?.server.status === "starting" ? 1_000 : 5_000) });
  const settled = live.data && !["provisioning", "starting"].includes(live.data.server.status);
  const events = useQuery({ ...trpc.servers.events.queryOptions({ serverId, limit: 500 }), refetchInterval: settled ? 10_000 : 1_000 });
  const rows = (events.data ?? []) as EventRow[];
  const lastProgress = [...rows].reverse().find((e) => e.type === "progress")?.data as Progress | undefined;
  const progress: Progress | undefined = live.data?.live.progress ?? lastProgress;
  const status = live.data?.server.status;
  const pct = percent(progress?.bytesDone, progress?.bytesTotal);
  const shown = compact ? rows.filter((e) => e.type !== "progress").slice(-8) : rows.filter((e) => e.type !== "progress");

  return (
    <div className="space-y-4" data-testid="provisioning">
      {status === "provisioning" || status === "starting" ? (
        <div className="space-y-2">
          <div className="flex items-center justify-between gap-2 text-sm">
            <span className="flex items-center gap-2 text-zinc-200">
              <Spinner className="size-4" /> {progress?.step ? `${progress.step}: ${progress.phase}` : "Preparing the container…"}
            </span>
            <span className="text-xs text-zinc-400" data-testid="install-bytes">
              {progress?.bytesTotal ? `${formatBytes(progress.bytesDone ?? 0)} / ${formatBytes(progress.bytesTotal)}` : ""}
            </span>
          </div>
          <div className="h-2 overflow-hidden rounded-full bg-white/5" role="progressbar" aria-label="Install progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
            <div className={cx("h-full rounded-full bg-brand-500 transition-all", pct === null && "w-1/3 animate-pulse")} style={pct === null ? undefined : { width: `${pct}%` }} />
          </div>
        </div>
      ) : status === "running" ? (
        <Alert tone="success" data-testid="provisioning-ready">
          Your server is ready.
        </Alert>
      ) : status === "error" ? (
        <Alert tone="danger" data-testid="provisioning-failed">
          <p className="font-medium">Setting up this server failed.</p>
          <p className="mt-1">{live.data?.server.lastError ?? "The last step did not finish."}</p>
          <p className="mt-2 text-red-100/80">
            Next step: try <strong>Start</strong> on the server page; if it fails again, delete the server and create it anew. Nothing you uploaded is lost by a retry.
          </p>
        </Alert>
      ) : null}
      <ol className="relative space-y-3 border-l border-white/10 pl-5" aria-label="Provisioning timeline">
        {shown.map((e) => (
          <li key={e.id} className="relative text-sm">
            <span
              className={cx(
                "absolute top-1.5 -left-[25px] size-2.5 rounded-full ring-4 ring-zinc-950",
                e.status === "failed" ? "bg-red-400" : e.status === "done" ? "bg-emerald-400" : e.status === "started" ? "bg-sky-400" : "bg-zinc-500",
              )}
              aria-hidden="true"
            />
            <div className="flex flex-wrap items-baseline gap-x-2">
              <span className={cx(e.status === "failed" ? "text-red-300" : "text-zinc-200")}>{e.message}</span>
              <time className="text-xs text-zinc-500" dateTime={new Date(e.createdAt).toISOString()}>
                {new Date(e.createdAt).toLocaleTimeString()}
              </time>
              {e.status === "failed" && <Badge tone="danger">failed</Badge>}
            </div>
          </li>
        ))}
        {shown.length === 0 && <li className="text-sm text-zinc-500">Waiting for the first step…</li>}
      </ol>
      {compact && status && (
        <ButtonLink href={`/servers/${serverId}`} variant={status === "running" ? "primary" : "secondary"}>
          Open server
        </ButtonLink>
      )}
    </div>
  );
}
