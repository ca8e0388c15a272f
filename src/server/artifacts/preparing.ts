import type { Catalog } from "../../../agent/src/contract";
import type { ArtifactBuild } from "./build-queue";
import { preparedLabel } from "./defaults";

/**
 * What the create wizard shows while the first run (or an operator) prepares artifacts: one item
 * per name that the catalog does not offer yet and whose newest build is queued, running or
 * failed. Once the catalog has the name the item disappears and the wizard offers it.
 */
export type PreparingItem = {
  buildId: string;
  name: string;
  version: string;
  label: string;
  kind: string | null;
  status: "queued" | "running" | "failed";
  percent: number | null;
  step: string | null;
  message: string | null;
  error: string | null;
};

const RANK = { running: 0, queued: 1, failed: 2 } as const;

export function preparingView(latest: ArtifactBuild[], catalog: Catalog): PreparingItem[] {
  const offered = new Set(catalog.artifacts.map((a) => a.name));
  const byName = new Map<string, PreparingItem>();
  for (const b of latest) {
    if (offered.has(b.name) || !(b.status === "queued" || b.status === "running" || b.status === "failed")) continue;
    const item: PreparingItem = {
      buildId: b.id, name: b.name, version: b.version, label: preparedLabel(b.name, b.kind), kind: b.kind, status: b.status,
      percent: b.percent, step: b.step, message: b.message, error: b.status === "failed" ? b.error : null,
    };
    const had = byName.get(b.name);
    if (!had || RANK[item.status] < RANK[had.status]) byName.set(b.name, item);
  }
  return [...byName.values()].sort((a, b) => RANK[a.status] - RANK[b.status] || a.name.localeCompare(b.name));
}
