"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Spinner } from "~/components/ui";
import { cx } from "~/lib/cx";
import { useTRPC } from "~/trpc/react";
import { formatBytes } from "./format";
import { HistoryChart, type ChartLimit } from "./history-chart";

const RANGES = [
  { id: "hour", label: "Hour" },
  { id: "day", label: "Day" },
  { id: "week", label: "Week" },
] as const;
type Range = (typeof RANGES)[number]["id"];

/**
 * The server's CPU, memory, players (game servers) and disk over the last hour, day or week, from
 * the portal's 30-second samples, with the limits that apply drawn on each chart.
 */
export function HistoryPanel({ serverId, kind }: { serverId: string; kind: string }) {
  const trpc = useTRPC();
  const [range, setRange] = useState<Range>("hour");
  const q = useQuery({ ...trpc.monitor.history.queryOptions({ serverId, range }), refetchInterval: 30_000 });
  const points = q.data?.points ?? [];
  const pick = (key: "cpuPercent" | "memoryBytes" | "diskBytes" | "players") => points.map((p) => ({ at: p.at, value: p[key] }));
  const limit = (label: string, value: number | null | undefined): ChartLimit[] => (value ? [{ label, value }] : []);
  const l = q.data?.limits;

  return (
    <div className="space-y-4">
      <div role="tablist" aria-label="History range" className="flex gap-1">
        {RANGES.map((r) => (
          <button
            key={r.id}
            role="tab"
            aria-selected={range === r.id}
            onClick={() => setRange(r.id)}
            className={cx("rounded-md px-3 py-1 text-xs font-medium", range === r.id ? "bg-white/10 text-white" : "text-zinc-400 hover:text-zinc-200")}
          >
            {r.label}
          </button>
        ))}
        {q.isFetching && <Spinner className="ml-2 size-4 text-zinc-500" />}
      </div>
      {q.isError && <Alert tone="danger">{q.error.message}</Alert>}
      {q.data && points.length === 0 && <p className="text-sm text-zinc-400">No samples in this range yet: figures are recorded every 30 seconds while the server runs.</p>}
      {q.data && (
        <div className="grid gap-6 md:grid-cols-2">
          <HistoryChart title="CPU" testId="chart-cpu" points={pick("cpuPercent")} limits={[]} format={(n) => `${Math.round(n)}%`} from={q.data.from} to={q.data.to} color="#38bdf8" />
          <HistoryChart
            title="Memory"
            testId="chart-memory"
            points={pick("memoryBytes")}
            limits={[...limit("Limit", l?.memoryBytes), ...(l?.planMemoryBytes && l.planMemoryBytes !== l.memoryBytes ? limit("Plan maximum", l.planMemoryBytes) : [])]}
            format={(n) => formatBytes(n)}
            from={q.data.from}
            to={q.data.to}
            color="#a78bfa"
          />
          {kind === "game" && (
            <HistoryChart title="Players" testId="chart-players" points={pick("players")} limits={limit("Slots", l?.maxPlayers)} format={(n) => String(Math.round(n))} from={q.data.from} to={q.data.to} color="#34d399" />
          )}
          <HistoryChart
            title="Disk"
            testId="chart-disk"
            points={pick("diskBytes")}
            limits={limit("Size", l?.diskBytes)}
            format={(n) => formatBytes(n)}
            from={q.data.from}
            to={q.data.to}
            color="#fbbf24"
            // Agents report disk only for a root volume of the container's own, not for a root on the host's disk.
            emptyText={points.length > 0 ? "not measured for this server" : undefined}
          />
        </div>
      )}
    </div>
  );
}
