"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Badge, Button, Card, CardBody, CardHeader, CardTitle } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { formatBytes } from "./format";

const PHASES: Record<string, string> = { quiesce: "Pausing world saves", snapshot: "Taking a snapshot", archive: "Compressing", receive: "Receiving", swap: "Swapping in" };

/**
 * The Backups tab: take a backup, watch its progress, download, delete, and restore with a
 * confirmation that names what gets replaced. Polls while something runs.
 */
export function BackupsPanel({ serverId, kind, running }: { serverId: string; kind: "game" | "dev"; running: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const list = useQuery({ ...trpc.backups.list.queryOptions({ serverId }), refetchInterval: 2_000 });
  const opts = { onError: (e: { message: string }) => setError(e.message), onSuccess: () => (setError(null), setConfirm(null), void qc.invalidateQueries()) };
  const create = useMutation(trpc.backups.create.mutationOptions(opts));
  const remove = useMutation(trpc.backups.delete.mutationOptions(opts));
  const restore = useMutation(trpc.backups.restore.mutationOptions(opts));
  if (list.isPending) return <p className="text-sm text-zinc-400">Loading backups…</p>;
  if (list.isError) return <Alert tone="danger">{list.error.message}</Alert>;
  const { backups, limits, store } = list.data;
  const busy = backups.some((b) => b.status === "queued" || b.status === "running");
  const what = kind === "game" ? "the game's world and files (the game stops for a moment and starts again)" : "the whole home folder /home/dev";

  return (
    <Card>
      <CardHeader className="flex flex-row items-center justify-between gap-4">
        <CardTitle>Backups</CardTitle>
        <Button onClick={() => create.mutate({ serverId })} pending={create.isPending} disabled={!running || busy}>
          Back up now
        </Button>
      </CardHeader>
      <CardBody className="space-y-4">
        <p className="text-sm text-zinc-400">
          {kind === "game" ? "The world is saved and snapshotted while the game keeps running; players see a chat message." : "A snapshot of /home/dev."} Your plan keeps the last {limits.count} backups
          (up to {formatBytes(limits.bytes)} in total), the oldest go first. Stored {store === "s3" ? "in object storage" : "on the portal host"}.
        </p>
        {!running && <Alert tone="info">Start the server to back it up or restore it.</Alert>}
        {error && <Alert tone="danger">{error}</Alert>}
        {backups.length === 0 ? (
          <p className="text-sm text-zinc-500">No backups yet.</p>
        ) : (
          <ul className="divide-y divide-white/5" data-testid="backup-list">
            {backups.map((b) => (
              <li key={b.id} className="space-y-2 py-3" data-testid="backup-row" data-backup-id={b.id} data-status={b.status}>
                <div className="flex flex-wrap items-center justify-between gap-3">
                  <div className="min-w-0 text-sm">
                    <p className="font-medium text-zinc-200">
                      {new Date(b.createdAt).toLocaleString()} <span className="text-zinc-500">· {b.reason}</span>
                    </p>
                    <p className="text-xs text-zinc-500">
                      {b.status === "done" ? `${formatBytes(b.sizeBytes)} compressed · ${formatBytes(b.totalBytes)} of files · ${b.fileCount ?? 0} entries` : b.status === "failed" ? b.error : (PHASES[b.phase ?? ""] ?? "Queued")}
                    </p>
                  </div>
                  <div className="flex items-center gap-2">
                    <Badge tone={b.status === "done" ? "success" : b.status === "failed" ? "danger" : "info"}>{b.status}</Badge>
                    {b.status === "done" && (
                      <>
                        <a className="text-sm text-brand-300 hover:underline" href={`/api/servers/${serverId}/backups/${b.id}`} download>
                          Download
                        </a>
                        <Button size="sm" variant="secondary" onClick={() => setConfirm(b.id)} disabled={!running || busy}>
                          Restore
                        </Button>
                        <Button size="sm" variant="danger" onClick={() => remove.mutate({ serverId, backupId: b.id })} pending={remove.isPending && remove.variables?.backupId === b.id}>
                          Delete
                        </Button>
                      </>
                    )}
                  </div>
                </div>
                {b.status === "running" && (
                  <div className="h-1.5 overflow-hidden rounded bg-white/5" role="progressbar" aria-label="Backup progress" aria-valuenow={b.bytesTotal ? Math.floor((b.bytesDone / b.bytesTotal) * 100) : undefined}>
                    <div className="h-full bg-brand-400 transition-all" style={{ width: `${b.bytesTotal ? Math.min(100, (b.bytesDone / b.bytesTotal) * 100) : 5}%` }} />
                  </div>
                )}
                {confirm === b.id && (
                  <div role="alertdialog" aria-label="Confirm restore" className="space-y-2 rounded-lg bg-amber-500/10 p-3 text-sm text-amber-100 ring-1 ring-amber-500/30">
                    <p>
                      Restore the backup from {new Date(b.createdAt).toLocaleString()}? It replaces {what} with the backup's {b.fileCount ?? 0} entries. The current state is kept as a new backup first.
                    </p>
                    <div className="flex gap-2">
                      <Button size="sm" variant="danger" onClick={() => restore.mutate({ serverId, backupId: b.id })} pending={restore.isPending}>
                        Replace and restore
                      </Button>
                      <Button size="sm" variant="secondary" onClick={() => setConfirm(null)}>
                        Cancel
                      </Button>
                    </div>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
        <p className="text-xs text-zinc-500">Restores and their steps appear in the timeline on the Overview tab.</p>
      </CardBody>
    </Card>
  );
}
