"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

/** One switch per alert kind: email on or off. */
export function PreferenceToggles() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const prefs = useQuery(trpc.notifications.preferences.queryOptions());
  const set = useMutation(
    trpc.notifications.setPreference.mutationOptions({
      onSuccess: (data) => qc.setQueryData(trpc.notifications.preferences.queryKey(), data),
    }),
  );
  return (
    <ul className="divide-y divide-white/5" data-testid="alert-preferences">
      {(prefs.data ?? []).map((p) => (
        <li key={p.kind} className="flex items-center justify-between gap-4 py-3">
          <div>
            <div className="text-sm font-medium text-white">{p.label}</div>
            <div className="text-xs text-zinc-500">{p.description}</div>
          </div>
          <label className="inline-flex cursor-pointer items-center gap-2 text-sm text-zinc-300">
            <input
              type="checkbox"
              className="size-4 accent-brand-500"
              checked={p.email}
              disabled={set.isPending}
              onChange={(e) => set.mutate({ kind: p.kind, email: e.target.checked })}
              aria-label={`Email me: ${p.label}`}
            />
            Email
          </label>
        </li>
      ))}
    </ul>
  );
}
