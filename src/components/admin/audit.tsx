"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { Alert, Button, Spinner } from "~/components/ui";
import { AUDIT_ACTIONS } from "~/server/audit/actions";
import { useTRPC } from "~/trpc/react";
import { Table, Td, inputClass, when } from "./table";

/** The audit log, newest first; filter by action, actor (email or id) and target. */
export function AdminAudit() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const [action, setAction] = useState(params.get("action") ?? "");
  const [actor, setActor] = useState(params.get("actor") ?? "");
  const [target, setTarget] = useState(params.get("target") ?? "");
  const filter = { action: action || undefined, actor: actor || undefined, target: target || undefined };
  const log = useInfiniteQuery(
    trpc.admin.audit.infiniteQueryOptions(filter, { getNextPageParam: (last) => last.nextBefore ?? undefined }),
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-2">
        <select className={inputClass} aria-label="Action" value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">every action</option>
          <option value="admin.">admin.*</option>
          <option value="auth.">auth.*</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <input className={inputClass} placeholder="Actor email or id" aria-label="Actor" value={actor} onChange={(e) => setActor(e.target.value)} />
        <input className={inputClass} placeholder="Target id or type" aria-label="Target" value={target} onChange={(e) => setTarget(e.target.value)} />
      </div>
      {log.isPending ? (
        <Spinner />
      ) : log.isError ? (
        <Alert tone="danger">{log.error.message}</Alert>
      ) : (
        <>
          <Table head={["When", "Action", "Actor", "Target", "Address", "Details"]}>
            {log.data.pages.flatMap((p) => p.items).map((r) => (
              <tr key={r.id} data-testid="audit-row">
                <Td className="whitespace-nowrap">{when(r.createdAt)}</Td>
                <Td className="font-mono text-xs">{r.action}</Td>
                <Td>{r.actorEmail ?? r.actorId ?? <span className="text-zinc-500">system</span>}</Td>
                <Td className="font-mono text-xs">{r.targetType ? `${r.targetType}:${r.targetId ?? ""}` : "-"}</Td>
                <Td className="font-mono text-xs">{r.ip ?? "-"}</Td>
                <Td className="max-w-md break-words font-mono text-xs text-zinc-400">{r.data ? JSON.stringify(r.data) : ""}</Td>
              </tr>
            ))}
          </Table>
          {log.hasNextPage && (
            <Button size="sm" variant="secondary" pending={log.isFetchingNextPage} onClick={() => log.fetchNextPage()}>
              Older entries
            </Button>
          )}
        </>
      )}
    </div>
  );
}
