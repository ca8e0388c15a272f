"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert, Badge, Card, Spinner } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { displayPhase, formatBytes, formatUptime, statusLabel, statusTone } from "./format";
import { Sparkline } from "./sparkline";

/** The dashboard's server cards: polled every few seconds, so states and charts move on their own. */
export function ServerCards() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.monitor.dashboard.queryOptions(), refetchInterval: 3_000 });
  if (q.isPending) {
    return (
      <div className="flex items-center gap-2 text-sm text-zinc-400">
        <Spinner className="size-4" /> Loading your servers…
      </div>
    );
  }
  if (q.isError) return <Alert tone="danger">Could not load your servers: {q.error.message}</Alert>;
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="server-cards">
      {q.data.map(({ server, live, samples }) => {
        const phase = displayPhase(server, live);
        const uptime = server.kind === "game" ? live.game?.uptimeSeconds : live.agentUptimeSeconds;
        const last = samples.at(-1);
        // Container figures come from its cgroup; without one (unisolated) they are the agent process's.
        const who = live.container ? "" : "Agent ";
        const limit = live.container?.memory.limitBytes;
        return (
          <li key={server.id}>
            <Link href={`/servers/${server.id}`} className="block rounded-2xl focus-visible:outline-2 focus-visible:outline-brand-400" data-testid="server-card">
              <Card className="h-full p-5 transition-colors hover:bg-zinc-900">
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0">
                    <h3 className="truncate font-semibold text-white">{server.name}</h3>
                    <p className="mt-0.5 text-xs text-zinc-400">
                      {server.kind === "game" ? `Game · ${server.gameTemplate ?? "–"}` : `Dev · ${server.runtimeId ?? "–"} ${server.runtimeVersion ?? ""}`}
                    </p>
                  </div>
                  <Badge tone={statusTone(phase)} dot data-testid="server-state">
                    {statusLabel(phase)}
                  </Badge>
                </div>
                <dl className="mt-4 grid grid-cols-2 gap-3 text-xs">
                  <div>
                    <dt className="text-zinc-500">{who}CPU {last?.cpuPercent != null ? `${last.cpuPercent}%` : ""}</dt>
                    <dd className="text-emerald-300">
                      <Sparkline values={samples.map((s) => s.cpuPercent)} max={100} label={live.container ? "Container CPU, percent of one core" : "Agent process CPU, percent of one core"} />
                    </dd>
                  </div>
                  <div>
                    <dt className="text-zinc-500">
                      {who}Memory {last ? formatBytes(last.rssBytes) : ""}
                      {limit ? ` of ${formatBytes(limit)}` : ""}
                    </dt>
                    <dd className="text-sky-300">
                      <Sparkline values={samples.map((s) => s.rssBytes)} max={limit ?? undefined} label={live.container ? "Container memory in use" : "Agent process resident memory"} />
                    </dd>
                  </div>
                </dl>
                <p className="mt-3 flex justify-between text-xs text-zinc-500">
                  <span>Uptime {server.status === "running" ? formatUptime(uptime) : "–"}</span>
                  <span>{server.memoryMb} MB plan memory</span>
                </p>
              </Card>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
