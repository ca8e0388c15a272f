"use client";

import { Area, AreaChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/**
 * One figure of a server over time (recharts area chart) with its limits drawn as dashed lines.
 * Buckets without a sample are gaps, not zeros. The y axis always reaches the highest limit, so a
 * server far below its limit looks it.
 */
export type ChartPoint = { at: number; value: number | null };
export type ChartLimit = { label: string; value: number };

export function HistoryChart({
  title,
  points,
  limits,
  format,
  from,
  to,
  color,
  testId,
  emptyText = "no data yet",
}: {
  title: string;
  points: ChartPoint[];
  limits: ChartLimit[];
  format: (n: number) => string;
  from: number;
  to: number;
  color: string;
  testId: string;
  /** Shown instead of the latest value when no point has one. */
  emptyText?: string;
}) {
  const span = to - from;
  const tick = (t: number) => new Date(t).toLocaleString([], span > 36 * 3600_000 ? { weekday: "short", hour: "2-digit" } : { hour: "2-digit", minute: "2-digit" });
  const top = Math.max(0, ...points.map((p) => p.value ?? 0), ...limits.map((l) => l.value));
  const latest = [...points].reverse().find((p) => p.value !== null)?.value ?? null;
  return (
    <figure className="space-y-2" data-testid={testId} aria-label={`${title} chart`}>
      <figcaption className="flex items-baseline justify-between text-sm">
        <span className="font-medium text-zinc-200">{title}</span>
        <span className="text-zinc-400" data-testid={`${testId}-latest`}>
          {latest === null ? emptyText : format(latest)}
        </span>
      </figcaption>
      <div className="h-40 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="rgba(255,255,255,0.06)" vertical={false} />
            <XAxis dataKey="at" type="number" domain={[from, to]} scale="time" tickFormatter={tick} stroke="#71717a" fontSize={11} tickCount={5} />
            <YAxis domain={[0, top > 0 ? top * 1.05 : 1]} tickFormatter={format} stroke="#71717a" fontSize={11} width={64} />
            <Tooltip
              labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
              formatter={(v) => [typeof v === "number" ? format(v) : "–", title]}
              contentStyle={{ background: "#18181b", border: "1px solid rgba(255,255,255,0.1)", fontSize: 12 }}
            />
            <Area type="monotone" dataKey="value" stroke={color} fill={color} fillOpacity={0.15} strokeWidth={1.6} connectNulls={false} isAnimationActive={false} />
            {limits.map((l) => (
              <ReferenceLine key={l.label} y={l.value} stroke="#f59e0b" strokeDasharray="4 4" ifOverflow="extendDomain" label={{ value: l.label, position: "insideTopRight", fill: "#f59e0b", fontSize: 11 }} />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
