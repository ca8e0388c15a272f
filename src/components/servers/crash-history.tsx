"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert, Badge } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { crashLabels, formatBytes, formatUptime } from "./format";

/** The game's crashes as a timeline, newest first, each with its log tail. */
export function CrashHistory({ serverId }: { serverId: string }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.monitor.crashes.queryOptions({ serverId }), refetchInterval: 3_000 });
  if (q.isError) return <Alert tone="warning">Crash history is unavailable: {q.error.message}</Alert>;
  const crashes = q.data ?? [];
  if (crashes.length === 0) return <p className="text-sm text-zinc-500">No crashes recorded. When the game exits unexpectedly it shows up here with its last log lines.</p>;
  return (
    <ol className="space-y-3" data-testid="crash-history">
      {crashes.map((c) => (
        <li key={c.id} className="rounded-xl bg-zinc-950/60 p-4 ring-1 ring-white/10" data-testid="crash">
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone="danger" data-testid="crash-classification">
              {crashLabels[c.classification] ?? c.classification}
            </Badge>
            <time className="text-sm text-zinc-300" dateTime={c.at}>
              {new Date(c.at).toLocaleString()}
            </time>
            <span className="text-xs text-zinc-500">
              exit code {c.exitCode ?? "–"} · signal {c.signal ?? "–"} · up {formatUptime(c.uptimeSeconds)} · failure {c.failures} in a row
            </span>
            <Badge tone={c.outcome === "error" ? "danger" : "info"}>{c.outcome === "error" ? "stopped: needs you" : c.restartInMs !== null ? `restarted after ${Math.round(c.restartInMs / 1000)}s` : "restart scheduled"}</Badge>
          </div>
          <p className="mt-2 text-xs text-zinc-400">{c.reason}</p>
          {c.classification === "oom" && c.memoryLimitBytes && (
            <p className="mt-1 text-xs text-zinc-400" data-testid="crash-memory-limit">
              Memory limit: {formatBytes(c.memoryLimitBytes)} (the server's memory setting).
            </p>
          )}
          {c.logTail.length > 0 && (
            <details className="mt-2">
              <summary className="cursor-pointer text-xs text-zinc-400 hover:text-zinc-200">Last {c.logTail.length} log lines</summary>
              <pre className="mt-2 max-h-64 overflow-auto rounded-lg bg-black/60 p-3 text-xs leading-relaxed text-zinc-300">{c.logTail.join("\n")}</pre>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
