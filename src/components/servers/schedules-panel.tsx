"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Badge, Button, Card, CardBody, CardHeader, CardTitle, Field } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { IdleSettings } from "./idle-settings";

type Action = "restart" | "backup" | "command";

/** The Schedules tab: cron schedules with their time zone, next runs and the last result. */
export function SchedulesPanel({ serverId, kind }: { serverId: string; kind: "game" | "dev" }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [action, setAction] = useState<Action>("backup");
  const [cron, setCron] = useState("0 4 * * *");
  const [timezone, setTimezone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  const [command, setCommand] = useState("");
  const list = useQuery({ ...trpc.schedules.list.queryOptions({ serverId }), refetchInterval: 15_000 });
  const opts = { onError: (e: { message: string }) => setError(e.message), onSuccess: () => (setError(null), void qc.invalidateQueries()) };
  const create = useMutation(trpc.schedules.create.mutationOptions(opts));
  const toggle = useMutation(trpc.schedules.setEnabled.mutationOptions(opts));
  const remove = useMutation(trpc.schedules.delete.mutationOptions(opts));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ serverId, action, cron, timezone, command: action === "command" ? command : undefined, enabled: true });
  };

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-1">
        <Card>
          <CardHeader>
            <CardTitle>New schedule</CardTitle>
          </CardHeader>
          <CardBody>
            <form onSubmit={submit} className="space-y-3">
              <label className="block space-y-1.5 text-sm font-medium text-zinc-300">
                <span>Action</span>
                <select value={action} onChange={(e) => setAction(e.target.value as Action)} className="block h-10 w-full rounded-lg bg-zinc-900/80 px-3 text-sm text-zinc-100 ring-1 ring-white/10">
                  <option value="backup">Back up</option>
                  <option value="restart">Restart</option>
                  {kind === "game" && <option value="command">Console command</option>}
                </select>
              </label>
              {action === "command" && <Field label="Command" value={command} onChange={(e) => setCommand(e.target.value)} placeholder="say Restart in 5 minutes" />}
              <Field label="Cron expression" value={cron} onChange={(e) => setCron(e.target.value)} hint="minute hour day month weekday, e.g. 0 4 * * * = every day at 04:00" />
              <Field label="Time zone" value={timezone} onChange={(e) => setTimezone(e.target.value)} hint="IANA name, e.g. Europe/Berlin" />
              {error && <Alert tone="danger">{error}</Alert>}
              <Button type="submit" pending={create.isPending}>
                Add schedule
              </Button>
            </form>
          </CardBody>
        </Card>
        <IdleSettings serverId={serverId} />
      </div>
      <Card className="lg:col-span-2">
        <CardHeader>
          <CardTitle>Schedules</CardTitle>
        </CardHeader>
        <CardBody>
          {list.isPending ? (
            <p className="text-sm text-zinc-400">Loading…</p>
          ) : list.isError ? (
            <Alert tone="danger">{list.error.message}</Alert>
          ) : list.data.length === 0 ? (
            <p className="text-sm text-zinc-500">No schedules yet.</p>
          ) : (
            <ul className="divide-y divide-white/5" data-testid="schedule-list">
              {list.data.map((s) => (
                <li key={s.id} className="space-y-1 py-3 text-sm">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <p className="font-medium text-zinc-200">
                      {s.label} · <code className="text-zinc-400">{s.cron}</code> <span className="text-zinc-500">({s.timezone})</span>
                    </p>
                    <div className="flex gap-2">
                      <Button size="sm" variant="secondary" onClick={() => toggle.mutate({ serverId, scheduleId: s.id, enabled: !s.enabled })}>
                        {s.enabled ? "Pause" : "Resume"}
                      </Button>
                      <Button size="sm" variant="danger" onClick={() => remove.mutate({ serverId, scheduleId: s.id })}>
                        Delete
                      </Button>
                    </div>
                  </div>
                  <p className="text-xs text-zinc-500">{s.enabled ? `Next: ${s.nextRuns.map((d) => new Date(d).toLocaleString()).join(" · ")}` : "Paused"}</p>
                  {s.lastRun && (
                    <p className="text-xs">
                      <Badge tone={s.lastRun.status === "done" ? "success" : s.lastRun.status === "failed" ? "danger" : "info"}>{s.lastRun.status}</Badge>{" "}
                      <span className="text-zinc-400">
                        last run {new Date(s.lastRun.dueAt).toLocaleString()}
                        {s.lastRun.message ? `: ${s.lastRun.message}` : ""}
                      </span>
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
