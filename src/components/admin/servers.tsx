"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Alert, Badge, Button, Spinner } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { Table, Td, bytes, inputClass } from "./table";

const STATUSES = ["", "running", "provisioning", "starting", "stopping", "stopped", "error", "deleting", "deleted"] as const;

/** Servers across users with their state and resource use; stop and start. */
export function AdminServers() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState<(typeof STATUSES)[number]>("");
  const servers = useQuery({ ...trpc.admin.servers.queryOptions({ query: query || undefined, status: status || undefined }), refetchInterval: 5_000 });
  const power = useMutation(trpc.admin.serverPower.mutationOptions({ onSettled: () => qc.invalidateQueries({ queryKey: trpc.admin.servers.queryKey() }) }));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-2">
        <input className={inputClass} placeholder="Name or owner email" aria-label="Search servers" value={query} onChange={(e) => setQuery(e.target.value)} />
        <select className={inputClass} aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as (typeof STATUSES)[number])}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s || "any status but deleted"}
            </option>
          ))}
        </select>
      </div>
      {power.error && <Alert tone="danger">{power.error.message}</Alert>}
      {servers.isPending ? (
        <Spinner />
      ) : servers.isError ? (
        <Alert tone="danger">{servers.error.message}</Alert>
      ) : (
        <Table head={["Server", "Owner", "State", "Provider / node", "Memory", "Agent use", ""]}>
          {servers.data.map((s) => (
            <tr key={s.id} data-testid={`admin-server-${s.id}`}>
              <Td>
                <span className="font-medium">{s.name}</span>
                <span className="block text-xs text-zinc-500">
                  {s.kind} · vmid {s.vmid}
                </span>
              </Td>
              <Td>{s.owner.email}</Td>
              <Td>
                <Badge tone={s.status === "running" ? "success" : s.status === "error" ? "danger" : "neutral"}>{s.status}</Badge>
                {s.suspendedReason && <span className="mt-1 block text-xs text-red-300">suspended: {s.suspendedReason}</span>}
                {s.lastError && <span className="mt-1 block max-w-64 truncate text-xs text-zinc-500" title={s.lastError}>{s.lastError}</span>}
              </Td>
              <Td>
                {s.provider} / {s.node}
              </Td>
              <Td>{s.memoryMb} MB</Td>
              <Td>{s.usage ? `${bytes(s.usage.rssBytes)} RSS, ${s.usage.cpuSeconds.toFixed(1)} s CPU` : "-"}</Td>
              <Td className="whitespace-nowrap">
                <Button size="sm" variant="secondary" disabled={s.status !== "stopped"} pending={power.isPending && power.variables?.serverId === s.id && power.variables.action === "start"} onClick={() => power.mutate({ serverId: s.id, action: "start" })}>
                  Start
                </Button>{" "}
                <Button size="sm" variant="secondary" disabled={!["running", "error", "starting"].includes(s.status)} pending={power.isPending && power.variables?.serverId === s.id && power.variables.action === "stop"} onClick={() => power.mutate({ serverId: s.id, action: "stop" })}>
                  Stop
                </Button>{" "}
                <Link className="text-xs text-zinc-400 underline" href={`/admin/audit?target=${s.id}`}>
                  audit
                </Link>
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
