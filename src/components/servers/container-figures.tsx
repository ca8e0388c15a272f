import type { ContainerStats } from "../../../agent/src/contract/container-stats";
import { formatBytes } from "./format";

/** The container's own figures from its cgroup, as rows of the server page's definition list. */
export function ContainerFigures({ c }: { c: ContainerStats }) {
  const of = (used: string, limit: string | null) => (limit ? `${used} of ${limit}` : used);
  return (
    <>
      <dt className="text-zinc-500">CPU</dt>
      <dd className="text-zinc-200" data-testid="container-cpu">
        {c.cpu.percent !== null ? `${c.cpu.percent}% of one core` : "–"}
      </dd>
      <dt className="text-zinc-500">Memory</dt>
      <dd className="text-zinc-200" data-testid="container-memory">
        {of(formatBytes(c.memory.usedBytes), c.memory.limitBytes ? formatBytes(c.memory.limitBytes) : null)}
      </dd>
      <dt className="text-zinc-500">Processes</dt>
      <dd className="text-zinc-200">{of(String(c.pids.current ?? "–"), c.pids.limit ? String(c.pids.limit) : null)}</dd>
      {c.disk && (
        <>
          <dt className="text-zinc-500">Disk</dt>
          <dd className="text-zinc-200">{of(formatBytes(c.disk.usedBytes), formatBytes(c.disk.totalBytes))}</dd>
        </>
      )}
      {c.net && (
        <>
          <dt className="text-zinc-500">Network</dt>
          <dd className="text-zinc-200">
            {formatBytes(c.net.rxBytes)} in · {formatBytes(c.net.txBytes)} out
          </dd>
        </>
      )}
    </>
  );
}
