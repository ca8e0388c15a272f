import type { ArtifactEntry, ArtifactKind, ArtifactRef, Catalog } from "../contract/catalog";
import { HttpError } from "../http/errors";

export type ResolvedArtifact = ArtifactEntry & { absoluteUrl: string };

/** Node's arch names to the catalog's. */
export const hostArch = (): ArtifactEntry["arch"] => (process.arch === "arm64" ? "arm64" : "x64");

const describe = (entries: ArtifactEntry[]) => {
  const byName = new Map<string, string[]>();
  for (const e of entries) byName.set(e.name, [...(byName.get(e.name) ?? []), e.version]);
  return [...byName].map(([name, versions]) => ({ name, versions }));
};
const listText = (avail: { name: string; versions: string[] }[]) =>
  avail.length ? avail.map((a) => `${a.name} (${a.versions.join(", ")})`).join(", ") : "none";

/**
 * Picks the catalog entry for a request: a pinned version wins, otherwise the newest version on the
 * channel (stable by default). Unknown names or versions are refused with what exists.
 */
export function resolveEntry(catalog: Catalog, ref: ArtifactRef, kind: ArtifactKind, arch = hostArch()): ArtifactEntry {
  const usable = catalog.artifacts.filter((a) => a.kind === kind && (a.arch === arch || a.arch === "any"));
  const named = usable.filter((a) => a.name === ref.name);
  if (!named.length) {
    const available = describe(usable);
    throw new HttpError(400, `unknown ${kind} "${ref.name}"; available: ${listText(available)}`, { available });
  }
  const available = describe(named);
  let version = ref.version;
  if (!version) {
    const channel = ref.channel ?? "stable";
    version = catalog.channels[ref.name]?.[channel]?.filter((v) => named.some((a) => a.version === v)).at(-1);
    if (!version) throw new HttpError(400, `${kind} "${ref.name}" has no ${channel} version; available: ${listText(available)}`, { available });
  }
  const entry = named.find((a) => a.version === version);
  if (!entry) throw new HttpError(400, `unknown version ${version} of ${kind} "${ref.name}"; available: ${listText(available)}`, { available });
  return entry;
}

/** Entry URLs are absolute or relative to the catalog's own URL; only http(s). */
export function absoluteArtifactUrl(entryUrl: string, catalogUrl: string): string {
  const u = new URL(entryUrl, catalogUrl);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new HttpError(502, `artifact URL scheme not allowed: ${u.protocol}`);
  return u.href;
}
