"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Badge, Button, Card, CardBody, Spinner } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { BuildProgress } from "./build-progress";
import { Table, Td, bytes, inputClass, when } from "./table";

/** The catalog with channels; build, promote, roll back and verify (the artifacts CLI's operations). */
export function AdminArtifacts() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const catalog = useQuery({ ...trpc.admin.catalog.queryOptions(), refetchInterval: 5_000 });
  const builds = useQuery({ ...trpc.admin.builds.queryOptions(), refetchInterval: 2_000 });
  const refresh = () =>
    Promise.all([qc.invalidateQueries({ queryKey: trpc.admin.catalog.queryKey() }), qc.invalidateQueries({ queryKey: trpc.admin.builds.queryKey() })]);
  const promote = useMutation(trpc.admin.promote.mutationOptions({ onSettled: refresh }));
  const rollback = useMutation(trpc.admin.rollback.mutationOptions({ onSettled: refresh }));
  const build = useMutation(trpc.admin.build.mutationOptions({ onSettled: refresh }));
  const retry = useMutation(trpc.admin.retryBuild.mutationOptions({ onSettled: refresh }));
  const verify = useMutation(trpc.admin.verify.mutationOptions());
  const [name, setName] = useState("");
  const [version, setVersion] = useState("");
  const error = promote.error ?? rollback.error ?? build.error ?? retry.error ?? verify.error;
  const last = promote.data ?? rollback.data;

  if (catalog.data?.remote) {
    return <Alert tone="info">Artifacts are served from {catalog.data.remote}. Change them with the artifacts CLI on the machine that publishes that store.</Alert>;
  }
  const names = [...new Set([...(catalog.data?.entries.map((e) => e.name) ?? []), "node", "flying-squid", "code-server", "python", "java"])].sort();

  return (
    <div className="space-y-8">
      {error && <Alert tone="danger">{error.message}</Alert>}
      {last && (
        <Alert tone="success" data-testid="artifact-change">
          {"changed" in last && !last.changed ? `Already current: ${last.to}` : `Channel moved: ${last.from ?? "(none)"} → ${last.to}`}
        </Alert>
      )}

      <section className="space-y-3" aria-label="Catalog">
        <div className="flex items-center justify-between gap-4">
          <h2 className="text-lg font-semibold text-white">Catalog</h2>
          <Button size="sm" variant="secondary" pending={verify.isPending} onClick={() => verify.mutate()}>
            {verify.isPending ? "Rehashing every artifact…" : "Verify store"}
          </Button>
        </div>
        {verify.data && (
          <Alert tone={verify.data.ok ? "success" : "danger"} data-testid="verify-result">
            {verify.data.ok ? `Verified ${verify.data.items.length} artifacts: all match; signature ${verify.data.signature.message}.` : "Verify FAILED."}
            {verify.data.items
              .filter((i) => i.status !== "ok")
              .map((i) => (
                <span key={i.label} className="block">
                  {i.status}: {i.message}
                </span>
              ))}
            {!verify.data.signature.ok && <span className="block">signature: {verify.data.signature.message}</span>}
          </Alert>
        )}
        {catalog.isPending ? (
          <Spinner />
        ) : catalog.isError ? (
          <Alert tone="danger">{catalog.error.message}</Alert>
        ) : (
          <Table head={["Artifact", "Version", "Size", "Channels", "Published", ""]}>
            {catalog.data.entries.map((e) => (
              <tr key={`${e.kind}/${e.name}@${e.version}/${e.arch}`} data-testid={`artifact-${e.name}-${e.version}`}>
                <Td>
                  <span className="font-medium">{e.name}</span>
                  <span className="block text-xs text-zinc-500">
                    {e.kind} · {e.arch} · {e.sha256.slice(0, 12)}
                  </span>
                </Td>
                <Td className="font-mono">{e.version}</Td>
                <Td>{bytes(e.size)}</Td>
                <Td>
                  {e.channels.length ? e.channels.map((c) => <Badge key={c} tone={c === "stable" ? "success" : "info"}>{c}</Badge>) : <span className="text-zinc-500">-</span>}
                </Td>
                <Td>{when(e.publishedAt)}</Td>
                <Td className="whitespace-nowrap">
                  {(["stable", "beta"] as const).map((c) => (
                    <Button
                      key={c}
                      size="sm"
                      variant="secondary"
                      className="mr-1"
                      disabled={e.channels.includes(c)}
                      pending={promote.isPending && promote.variables?.name === e.name && promote.variables.version === e.version && promote.variables.channel === c}
                      onClick={() => promote.mutate({ name: e.name, version: e.version, channel: c })}
                    >
                      Promote to {c}
                    </Button>
                  ))}
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </section>

      {catalog.data && catalog.data.channels.length > 0 && (
        <section className="space-y-3" aria-label="Channels">
          <h2 className="text-lg font-semibold text-white">Channels</h2>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {catalog.data.channels.map((c) => (
              <Card key={`${c.name}/${c.channel}`} data-testid={`channel-${c.name}-${c.channel}`}>
                <CardBody className="space-y-2">
                  <div className="flex items-center justify-between">
                    <span className="font-medium text-white">
                      {c.name} <Badge tone={c.channel === "stable" ? "success" : "info"}>{c.channel}</Badge>
                    </span>
                    <Button
                      size="sm"
                      variant="secondary"
                      disabled={c.stack.length < 2}
                      pending={rollback.isPending && rollback.variables?.name === c.name && rollback.variables.channel === c.channel}
                      onClick={() => rollback.mutate({ name: c.name, channel: c.channel as "stable" | "beta" })}
                    >
                      Roll back
                    </Button>
                  </div>
                  <p className="font-mono text-xs text-zinc-400">
                    {c.stack.slice(0, -1).join(" … ")}
                    {c.stack.length > 1 ? " … " : ""}
                    <span className="text-white" data-testid="channel-current">{c.stack[c.stack.length - 1]}</span>
                  </p>
                </CardBody>
              </Card>
            ))}
          </div>
        </section>
      )}

      <section className="space-y-3" aria-label="Builds">
        <h2 className="text-lg font-semibold text-white">Builds</h2>
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            build.mutate({ name, version });
          }}
        >
          <input className={inputClass} list="artifact-names" placeholder="name (node, flying-squid…)" aria-label="Artifact name" value={name} onChange={(e) => setName(e.target.value)} />
          <datalist id="artifact-names">
            {names.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          <input className={inputClass} placeholder="version (24.21.0)" aria-label="Artifact version" value={version} onChange={(e) => setVersion(e.target.value)} />
          <Button size="sm" type="submit" pending={build.isPending}>
            Build and publish
          </Button>
        </form>
        {builds.isPending ? (
          <Spinner />
        ) : builds.isError ? (
          <Alert tone="danger">{builds.error.message}</Alert>
        ) : builds.data.length === 0 ? (
          <p className="text-sm text-zinc-400">No builds yet.</p>
        ) : (
          <Table head={["Build", "Source", "Queued", "Progress", ""]}>
            {builds.data.map((b) => (
              <tr key={b.id}>
                <Td className="font-mono">
                  {b.name}@{b.version}
                </Td>
                <Td>{b.source}</Td>
                <Td>{when(b.createdAt)}</Td>
                <Td className="min-w-72">
                  <BuildProgress status={b.status} percent={b.percent} step={b.step} message={b.message} error={b.error} />
                </Td>
                <Td>
                  {b.status === "failed" && (
                    <Button size="sm" variant="secondary" pending={retry.isPending && retry.variables?.buildId === b.id} onClick={() => retry.mutate({ buildId: b.id })}>
                      Retry
                    </Button>
                  )}
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </div>
  );
}
