import type { Catalog } from "../../../agent/src/contract";
import { compareVersions, currentChannels } from "../artifacts/catalog-ops";

/** Mods the catalog offers for one game (by its artifact name or template), newest version first. Pure. */
export type ModOption = { name: string; displayName: string; versions: { version: string; sha256: string; channels: string[] }[] };

export function modOptions(catalog: Catalog, game: { artifact: string | null; template?: string | null }): ModOption[] {
  const byName = new Map<string, ModOption>();
  for (const a of catalog.artifacts) {
    if (a.kind !== "mod" || !a.game || (a.game !== game.artifact && a.game !== game.template)) continue;
    const o = byName.get(a.name) ?? { name: a.name, displayName: a.displayName ?? a.name, versions: [] };
    if (!o.versions.some((v) => v.version === a.version)) o.versions.push({ version: a.version, sha256: a.sha256, channels: currentChannels(catalog, a) });
    byName.set(a.name, o);
  }
  return [...byName.values()]
    .map((o) => ({ ...o, versions: o.versions.sort((x, y) => compareVersions(y.version, x.version)) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
