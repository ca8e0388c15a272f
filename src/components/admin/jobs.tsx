"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Badge, Button, Card, CardBody, Spinner } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { Table, Td, when } from "./table";

/** pg-boss queues by state, and failed jobs with their error and a retry. */
export function AdminJobs() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const queues = useQuery({ ...trpc.admin.queues.queryOptions(), refetchInterval: 5_000 });
  const failed = useQuery({ ...trpc.admin.failedJobs.queryOptions({}), refetchInterval: 5_000 });
  const retry = useMutation(
    trpc.admin.retryJob.mutationOptions({
      onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: trpc.admin.failedJobs.queryKey() }), qc.invalidateQueries({ queryKey: trpc.admin.queues.queryKey() })]),
    }),
  );
  return (
    <div className="space-y-8">
      <section className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Queues">
        {queues.isPending ? (
          <Spinner />
        ) : queues.isError ? (
          <Alert tone="danger">{queues.error.message}</Alert>
        ) : queues.data.length === 0 ? (
          <p className="text-sm text-zinc-400">No queues yet.</p>
        ) : (
          queues.data.map((q) => (
            <Card key={q.name}>
              <CardBody className="space-y-2">
                <h2 className="font-mono text-sm text-white">{q.name}</h2>
                <div className="flex flex-wrap gap-1.5">
                  {Object.keys(q.states).length === 0 && <span className="text-xs text-zinc-500">empty</span>}
                  {Object.entries(q.states).map(([state, n]) => (
                    <Badge key={state} tone={state === "failed" ? "danger" : state === "active" ? "info" : state === "completed" ? "success" : "neutral"}>
                      {state} {n}
                    </Badge>
                  ))}
                </div>
              </CardBody>
            </Card>
          ))
        )}
      </section>
      <section className="space-y-3" aria-label="Failed jobs">
        <h2 className="text-lg font-semibold text-white">Failed jobs</h2>
        {retry.error && <Alert tone="danger">{retry.error.message}</Alert>}
        {failed.isPending ? (
          <Spinner />
        ) : failed.isError ? (
          <Alert tone="danger">{failed.error.message}</Alert>
        ) : failed.data.length === 0 ? (
          <p className="text-sm text-zinc-400">No failed jobs.</p>
        ) : (
          <Table head={["Queue", "Job", "Failed at", "Attempts", "Error", ""]}>
            {failed.data.map((j) => (
              <tr key={j.id}>
                <Td className="font-mono text-xs">{j.queue}</Td>
                <Td className="font-mono text-xs">
                  {j.id.slice(0, 8)}
                  <span className="block text-zinc-500">{JSON.stringify(j.data).slice(0, 80)}</span>
                </Td>
                <Td>{when(j.completedOn)}</Td>
                <Td>{j.retryCount + 1}</Td>
                <Td className="max-w-md whitespace-pre-wrap break-words text-red-200">{j.error}</Td>
                <Td>
                  <Button size="sm" variant="secondary" pending={retry.isPending && retry.variables?.id === j.id} onClick={() => retry.mutate({ queue: j.queue, id: j.id })}>
                    Retry
                  </Button>
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </div>
  );
}
