"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "~/components/ui";
import type { PreparingItem } from "~/server/artifacts/preparing";
import { useTRPC } from "~/trpc/react";

/** "Minecraft is being prepared, 60%": one line per artifact the first run is still preparing. */
export function preparingText(i: PreparingItem): string {
  if (i.status === "failed") return `${i.label} could not be prepared`;
  if (i.status === "queued") return `${i.label} is waiting to be prepared`;
  return `${i.label} is being prepared${i.percent !== null ? `, ${i.percent}%` : ""}`;
}

export function PreparingList({ items, canRetry }: { items: PreparingItem[]; canRetry: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const retry = useMutation(trpc.admin.retryBuild.mutationOptions({ onSettled: () => qc.invalidateQueries({ queryKey: trpc.artifacts.preparing.queryKey() }) }));
  if (items.length === 0) return null;
  return (
    <ul className="space-y-3 rounded-xl bg-white/5 p-4 ring-1 ring-inset ring-white/10" aria-label="Being prepared" data-testid="preparing">
      {items.map((i) => (
        <li key={i.name} className="space-y-1.5" data-testid={`preparing-${i.name}`}>
          <span className="block text-sm text-zinc-200">{preparingText(i)}</span>
          {i.status === "running" && (
            <div className="h-1.5 w-full overflow-hidden rounded-full bg-white/10" role="progressbar" aria-label={i.label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={i.percent ?? undefined}>
              <div className="h-full rounded-full bg-brand-400 transition-all" style={{ width: `${Math.max(3, i.percent ?? 0)}%` }} />
            </div>
          )}
          {i.status === "failed" && (
            <span className="block text-sm text-red-300">
              {i.error}
              {canRetry && (
                <Button size="sm" variant="secondary" className="ml-2" pending={retry.isPending && retry.variables?.buildId === i.buildId} onClick={() => retry.mutate({ buildId: i.buildId })}>
                  Retry
                </Button>
              )}
            </span>
          )}
          {i.status === "running" && i.message && <span className="block truncate text-xs text-zinc-500">{i.step}: {i.message}</span>}
        </li>
      ))}
    </ul>
  );
}
