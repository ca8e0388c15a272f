"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Badge, Button, Spinner } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { Table, Td, inputClass, when } from "./table";

/** Users: plan, standing, servers; suspend with a reason (shown to the user) and lift it. */
export function AdminUsers() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [query, setQuery] = useState("");
  const users = useQuery(trpc.admin.users.queryOptions({ query: query || undefined }));
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.admin.users.queryKey() });
  const suspend = useMutation(trpc.admin.suspendUser.mutationOptions({ onSuccess: invalidate }));
  const unsuspend = useMutation(trpc.admin.unsuspendUser.mutationOptions({ onSuccess: invalidate }));
  const error = suspend.error ?? unsuspend.error;
  return (
    <div className="space-y-4">
      <input className={inputClass} placeholder="Search by email" aria-label="Search users" value={query} onChange={(e) => setQuery(e.target.value)} />
      {error && <Alert tone="danger">{error.message}</Alert>}
      {users.isPending ? (
        <Spinner />
      ) : users.isError ? (
        <Alert tone="danger">{users.error.message}</Alert>
      ) : (
        <Table head={["Email", "Role", "Plan", "Standing", "Servers", "Joined", "Suspension"]}>
          {users.data.map((u) => (
            <tr key={u.id} data-testid={`admin-user-${u.email}`}>
              <Td className="font-medium">{u.email}</Td>
              <Td>{u.role === "admin" ? <Badge tone="warning">admin</Badge> : "user"}</Td>
              <Td>{u.plan}</Td>
              <Td>{u.standing}</Td>
              <Td>
                {u.servers.total} ({u.servers.running} running)
              </Td>
              <Td>{when(u.createdAt)}</Td>
              <Td className="min-w-72">
                {u.suspendedReason ? (
                  <div className="space-y-2">
                    <Badge tone="danger">suspended</Badge> <span className="text-zinc-300">{u.suspendedReason}</span>
                    <div>
                      <Button size="sm" variant="secondary" pending={unsuspend.isPending && unsuspend.variables?.userId === u.id} onClick={() => unsuspend.mutate({ userId: u.id })}>
                        Lift suspension
                      </Button>
                    </div>
                  </div>
                ) : (
                  <form
                    className="flex gap-2"
                    onSubmit={(e) => {
                      e.preventDefault();
                      suspend.mutate({ userId: u.id, reason: reasons[u.id] ?? "" });
                    }}
                  >
                    <input className={inputClass} placeholder="Reason shown to the user" aria-label={`Suspension reason for ${u.email}`} value={reasons[u.id] ?? ""} onChange={(e) => setReasons({ ...reasons, [u.id]: e.target.value })} />
                    <Button size="sm" variant="danger" type="submit" pending={suspend.isPending && suspend.variables?.userId === u.id}>
                      Suspend
                    </Button>
                  </form>
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
