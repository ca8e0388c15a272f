import type { ArtifactEntry, Catalog, Channel } from "../../../agent/src/contract";
import { compareVersions, currentChannels } from "../artifacts/catalog-ops";

/** The runtime dropdown's data: runtimes and games from the catalog, newest version first, with channel labels. */
export type CatalogOption = {
  name: string;
  displayName: string;
  versions: { version: string; channels: Channel[] }[];
  /** The version a create without a pinned version gets (stable head, else the newest). */
  defaultVersion: string;
};
export type RuntimeCatalog = { runtimes: CatalogOption[]; games: CatalogOption[] };

function options(catalog: Catalog, kind: ArtifactEntry["kind"]): CatalogOption[] {
  const byName = new Map<string, ArtifactEntry[]>();
  for (const a of catalog.artifacts) if (a.kind === kind && (a.arch === "x64" || a.arch === "any")) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entries]) => {
      const versions = [...new Set(entries.map((e) => e.version))].sort((a, b) => compareVersions(b, a)).map((version) => ({ version, channels: currentChannels(catalog, { name, version }) }));
      const stable = versions.find((v) => v.channels.includes("stable"));
      return { name, displayName: entries.find((e) => e.displayName)?.displayName ?? name, versions, defaultVersion: (stable ?? versions[0]!).version };
    });
}

export function runtimeCatalogView(catalog: Catalog): RuntimeCatalog {
  return { runtimes: options(catalog, "runtime"), games: options(catalog, "game") };
}

/** The version a create request gets, or a reason it cannot be created from this catalog. */
export function pickVersion(view: CatalogOption[], name: string, version: string | undefined): { version: string } | { error: string } {
  const opt = view.find((o) => o.name === name);
  if (!opt) return { error: `${name} is not in the catalog` };
  if (!version) return { version: opt.defaultVersion };
  if (!opt.versions.some((v) => v.version === version)) return { error: `${name} ${version} is not in the catalog (available: ${opt.versions.map((v) => v.version).join(", ")})` };
  return { version };
}
