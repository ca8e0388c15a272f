"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Button, Card, CardBody, CardHeader, CardTitle, Field } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

/** Idle auto-stop: dev containers up to the plan's minutes (less if the user likes); game servers off unless set. */
export function IdleSettings({ serverId }: { serverId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.idle.settings.queryOptions({ serverId }));
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = useMutation(trpc.idle.set.mutationOptions({ onError: (e) => setError(e.message), onSuccess: () => (setError(null), setValue(null), void qc.invalidateQueries()) }));
  if (!q.data) return null;
  const s = q.data;
  const shown = value ?? (s.minutes === null ? "" : String(s.minutes));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set.mutate({ serverId, minutes: shown.trim() === "" ? null : Number(shown) });
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Auto-stop when idle</CardTitle>
      </CardHeader>
      <CardBody>
        <form onSubmit={submit} className="space-y-3">
          <p className="text-sm text-zinc-400">
            {s.kind === "dev"
              ? `Stops after this many minutes without console, IDE, SSH or file activity (your plan: at most ${s.planMaxMinutes}). Opening the IDE or the console starts it again.`
              : "Stops after this many minutes without players. Empty: never."}{" "}
            {s.effectiveMinutes === null ? "Now: off." : `Now: ${s.effectiveMinutes} minutes.`}
          </p>
          <Field label="Minutes" inputMode="numeric" value={shown} onChange={(e) => setValue(e.target.value)} placeholder={s.kind === "dev" ? String(s.planMaxMinutes) : "off"} />
          {error && <Alert tone="danger">{error}</Alert>}
          <Button type="submit" size="sm" pending={set.isPending}>
            Save
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
