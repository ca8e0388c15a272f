import type { z } from "zod";
import {
  artifactEntrySchema,
  catalogSchema,
  type ArtifactEntry,
  type ArtifactRef,
  type Catalog,
  type Channel,
} from "../../../agent/src/contract/catalog";

/**
 * Pure catalog operations: what publish, promote, rollback and resolve do to a catalog value.
 * No I/O here; the store (store.ts) reads, locks, writes and signs around these.
 */

export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CatalogError";
  }
}

export function emptyCatalog(now = new Date()): Catalog {
  return { schemaVersion: 1, generatedAt: now.toISOString(), artifacts: [], channels: {} };
}

/** `runtime/node@22.1.0 (x64)`: how an entry is named in every message. */
export function entryLabel(e: Pick<ArtifactEntry, "kind" | "name" | "version" | "arch">): string {
  return `${e.kind}/${e.name}@${e.version} (${e.arch})`;
}

function describePath(raw: unknown, path: PropertyKey[]): string {
  // Name the entry an issue is about, so "artifacts.3.sha256" reads as "runtime/node@22.1.0: sha256".
  if (path[0] === "artifacts" && typeof path[1] === "number" && raw && typeof raw === "object") {
    const list = (raw as { artifacts?: unknown }).artifacts;
    const item = Array.isArray(list) ? (list[path[1]] as Record<string, unknown> | undefined) : undefined;
    const who =
      item && typeof item === "object"
        ? `${String(item.kind ?? "?")}/${String(item.name ?? "?")}@${String(item.version ?? "?")}`
        : `#${path[1]}`;
    const rest = path.slice(2).map(String).join(".");
    return `artifacts[${path[1]}] ${who}${rest ? `: ${rest}` : ""}`;
  }
  return path.map(String).join(".") || "catalog";
}

/** Readable, one line per problem: "artifacts[0] runtime/node@22.1.0: sha256 is missing". */
export function formatIssues(raw: unknown, issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = describePath(raw, issue.path);
    const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
    if (missing) {
      const field = issue.path.at(-1);
      const owner = describePath(raw, issue.path.slice(0, -1));
      return `${owner}: ${String(field)} is missing`;
    }
    const got = issue.code === "invalid_format" || issue.code === "invalid_value" ? valueAt(raw, issue.path) : undefined;
    return `${where}: ${issue.message}${got === undefined ? "" : ` (got ${JSON.stringify(got)})`}`;
  });
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const key of path) {
    if (!cur || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

export type Validation = { ok: true; catalog: Catalog } | { ok: false; errors: string[] };

export function validateCatalog(raw: unknown): Validation {
  const parsed = catalogSchema.safeParse(raw);
  if (parsed.success) return { ok: true, catalog: parsed.data };
  return { ok: false, errors: formatIssues(raw, parsed.error.issues) };
}

/** Parses or throws one CatalogError listing every problem. */
export function parseCatalog(raw: unknown): Catalog {
  const v = validateCatalog(raw);
  if (!v.ok) throw new CatalogError(`invalid catalog:\n  ${v.errors.join("\n  ")}`);
  return v.catalog;
}

export function parseEntry(raw: unknown): ArtifactEntry {
  const parsed = artifactEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const errors = formatIssues({ artifacts: [raw] }, parsed.error.issues.map((i) => ({ ...i, path: ["artifacts", 0, ...i.path] })));
    throw new CatalogError(`invalid entry:\n  ${errors.join("\n  ")}`);
  }
  return parsed.data;
}

function sameSlot(a: ArtifactEntry, b: Pick<ArtifactEntry, "name" | "version" | "arch">): boolean {
  return a.name === b.name && a.version === b.version && a.arch === b.arch;
}

export type AddResult = {
  catalog: Catalog;
  added: boolean;
  entry: ArtifactEntry;
  /** Channels left alone because they already point at a newer version (promote moves them). */
  skippedChannels: Channel[];
};

/**
 * Adds an entry and, for a new one, pushes its version onto the given channels unless a channel
 * already points at a newer version (publishing an old release must not roll users back). The same bytes
 * under an existing name@version are a no-op (idempotent publish); different bytes are refused,
 * because installs already pinned to that version must keep getting what they verified.
 */
export function addEntry(catalog: Catalog, raw: ArtifactEntry, channels: Channel[], now = new Date()): AddResult {
  const entry = parseEntry(raw);
  const existing = catalog.artifacts.find((a) => sameSlot(a, entry));
  if (existing) {
    if (existing.sha256 !== entry.sha256 || existing.size !== entry.size) {
      throw new CatalogError(
        `${entryLabel(existing)} is already published with sha256 ${existing.sha256.slice(0, 12)}… ` +
          `(${existing.size} bytes); this file is ${entry.sha256.slice(0, 12)}… (${entry.size} bytes). ` +
          `Published versions are immutable: publish it as a new version.`,
      );
    }
    return { catalog, added: false, entry: existing, skippedChannels: [] };
  }
  const otherKind = catalog.artifacts.find((a) => a.name === entry.name && a.kind !== entry.kind);
  if (otherKind) {
    // Channels are keyed by name alone, so a name must mean one kind of artifact.
    throw new CatalogError(`name "${entry.name}" already belongs to kind ${otherKind.kind}; cannot publish it as ${entry.kind}`);
  }
  let next: Catalog = { ...catalog, artifacts: [...catalog.artifacts, entry], generatedAt: now.toISOString() };
  const skippedChannels: Channel[] = [];
  for (const ch of channels) {
    const head = channelHead(next, entry.name, ch);
    if (head && compareVersions(head, entry.version) > 0) skippedChannels.push(ch);
    else next = pushChannel(next, entry.name, entry.version, ch);
  }
  return { catalog: parseCatalog(next), added: true, entry, skippedChannels };
}

function pushChannel(catalog: Catalog, name: string, version: string, channel: Channel): Catalog {
  const stacks = { ...(catalog.channels[name] ?? {}) };
  const stack = [...(stacks[channel] ?? [])];
  if (stack.at(-1) === version) return catalog;
  stack.push(version);
  stacks[channel] = stack;
  return { ...catalog, channels: { ...catalog.channels, [name]: stacks } };
}

export function channelHead(catalog: Catalog, name: string, channel: Channel): string | undefined {
  return catalog.channels[name]?.[channel]?.at(-1);
}

export type ChannelChange = { catalog: Catalog; changed: boolean; from?: string; to: string };

/** Makes name@version the current version of a channel (pushes it onto the channel's stack). */
export function promote(catalog: Catalog, name: string, version: string, channel: Channel, now = new Date()): ChannelChange {
  if (!catalog.artifacts.some((a) => a.name === name && a.version === version)) {
    const known = versionsOf(catalog, name);
    throw new CatalogError(
      `${name}@${version} is not in the catalog` + (known.length ? ` (published: ${known.join(", ")})` : ` (no versions of ${name} published)`),
    );
  }
  const from = channelHead(catalog, name, channel);
  if (from === version) return { catalog, changed: false, from, to: version };
  const next = { ...pushChannel(catalog, name, version, channel), generatedAt: now.toISOString() };
  return { catalog: parseCatalog(next), changed: true, from, to: version };
}

/** Points a channel back at its previous version (pops the current one off its stack). */
export function rollback(catalog: Catalog, name: string, channel: Channel, now = new Date()): ChannelChange {
  const stack = catalog.channels[name]?.[channel] ?? [];
  if (stack.length === 0) throw new CatalogError(`${name} has no ${channel} channel to roll back`);
  if (stack.length === 1) {
    throw new CatalogError(`${name} ${channel} has only ${stack[0]}: there is no previous version to roll back to`);
  }
  const from = stack.at(-1)!;
  const stacks = { ...catalog.channels[name], [channel]: stack.slice(0, -1) };
  const next = { ...catalog, channels: { ...catalog.channels, [name]: stacks }, generatedAt: now.toISOString() };
  return { catalog: parseCatalog(next), changed: true, from, to: stack.at(-2)! };
}

/**
 * What an install of `ref` gets: the pinned version when one is named, else the current version of
 * its channel (stable by default). Prefers the exact arch, then "any".
 */
export function resolve(catalog: Catalog, ref: ArtifactRef, arch: "x64" | "arm64" = "x64"): ArtifactEntry {
  const channel = ref.channel ?? "stable";
  const version = ref.version ?? channelHead(catalog, ref.name, channel);
  if (!version) {
    const known = versionsOf(catalog, ref.name);
    throw new CatalogError(
      known.length
        ? `${ref.name} has no ${channel} version (published: ${known.join(", ")}); promote one with --to ${channel}`
        : `${ref.name} is not in the catalog`,
    );
  }
  const candidates = catalog.artifacts.filter((a) => a.name === ref.name && a.version === version);
  const hit = candidates.find((a) => a.arch === arch) ?? candidates.find((a) => a.arch === "any");
  if (!hit) throw new CatalogError(`${ref.name}@${version} is not published for ${arch}`);
  return hit;
}

/** Semver-ish order (numeric core, a pre-release sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const [ca, pa] = splitVersion(a);
  const [cb, pb] = splitVersion(b);
  for (let i = 0; i < 3; i++) if (ca[i] !== cb[i]) return (ca[i] ?? 0) - (cb[i] ?? 0);
  if (pa === pb) return 0;
  if (pa === "") return 1;
  if (pb === "") return -1;
  return pa < pb ? -1 : 1;
}

function splitVersion(v: string): [number[], string] {
  const dash = v.indexOf("-");
  const core = dash < 0 ? v : v.slice(0, dash);
  return [core.split(".").map(Number), dash < 0 ? "" : v.slice(dash + 1)];
}

export function versionsOf(catalog: Catalog, name: string): string[] {
  return [...new Set(catalog.artifacts.filter((a) => a.name === name).map((a) => a.version))].sort(compareVersions);
}

/** Channels whose current version is this entry's (for listings and the runtime dropdown). */
export function currentChannels(catalog: Catalog, e: Pick<ArtifactEntry, "name" | "version">): Channel[] {
  const stacks = catalog.channels[e.name] ?? {};
  return (Object.keys(stacks) as Channel[]).filter((ch) => stacks[ch]?.at(-1) === e.version).sort();
}

/** Catalog entries sorted for display: kind, name, newest version first. */
export function sortedEntries(catalog: Catalog): ArtifactEntry[] {
  return [...catalog.artifacts].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || compareVersions(b.version, a.version) || a.arch.localeCompare(b.arch),
  );
}

/** Store-relative location of an artifact file: <kind>/<name>/<version>/<file>. */
export function storePath(e: Pick<ArtifactEntry, "kind" | "name" | "version">, fileName: string): string {
  if (!safeFileName(fileName)) throw new CatalogError(`unsafe artifact file name "${fileName}"`);
  return `${e.kind}/${e.name}/${e.version}/${fileName}`;
}

export function safeFileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/.test(name) && !name.includes("..");
}

export type RuntimeOption = {
  name: string;
  /** Newest first. */
  versions: { version: string; displayName?: string; channels: Channel[] }[];
  stable?: string;
  beta?: string;
};

/** The runtime dropdown: every runtime name with its versions and channel heads. */
export function runtimeOptions(catalog: Catalog, arch: "x64" | "arm64" = "x64"): RuntimeOption[] {
  const names = [...new Set(catalog.artifacts.filter((a) => a.kind === "runtime").map((a) => a.name))].sort();
  return names.map((name) => {
    const entries = catalog.artifacts.filter((a) => a.name === name && (a.arch === arch || a.arch === "any"));
    const versions = [...new Set(entries.map((e) => e.version))].sort((a, b) => compareVersions(b, a));
    const stable = channelHead(catalog, name, "stable");
    const beta = channelHead(catalog, name, "beta");
    return {
      name,
      versions: versions.map((version) => ({
        version,
        displayName: entries.find((e) => e.version === version)?.displayName,
        channels: currentChannels(catalog, { name, version }),
      })),
      ...(stable ? { stable } : {}),
      ...(beta ? { beta } : {}),
    };
  });
}
