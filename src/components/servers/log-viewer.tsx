"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert, Spinner } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { formatBytes } from "./format";

const LABELS = { game: "Game server log", "code-server": "code-server log" } as const;

/**
 * The last lines of the server's own log (the game's console output, or code-server's), refreshed
 * every 5 s, with the whole file as a download.
 */
export function LogViewer({ serverId, source }: { serverId: string; source: "game" | "code-server" }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.monitor.logTail.queryOptions({ serverId, source, tail: 500 }), refetchInterval: 5_000 });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-zinc-400">
          {LABELS[source]}
          {q.data?.exists ? ` · ${formatBytes(q.data.sizeBytes)}` : ""} {q.isFetching && <Spinner className="ml-1 inline size-3" />}
        </p>
        {q.data?.exists && (
          <a href={`/api/servers/${serverId}/logs/${source}`} download className="rounded-md bg-white/10 px-3 py-1 text-xs font-medium text-white hover:bg-white/20" data-testid="log-download">
            Download the whole log
          </a>
        )}
      </div>
      {q.isError && <Alert tone="danger">{q.error.message}</Alert>}
      {q.data && !q.data.exists && <p className="text-sm text-zinc-400">Nothing logged yet.</p>}
      {q.data?.exists && (
        <pre data-testid="log-tail" className="max-h-[28rem] overflow-auto rounded-lg bg-black/60 p-3 font-mono text-xs leading-5 text-zinc-200">
          {q.data.truncated && <span className="text-zinc-500">… earlier lines are in the download{"\n"}</span>}
          {q.data.lines.join("\n")}
        </pre>
      )}
    </div>
  );
}
