import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { AgentContext } from "../context";
import { artifactNameSchema, versionSchema } from "../contract/catalog";
import type { InstalledRuntime } from "../contract/status";

/**
 * On-disk layout: /opt/zlh/runtimes/<name>/<version>/ (each an atomic install with its metadata in
 * .zlh-artifact.json), <name>/current -> <version> and <name>/previous -> <version> (kept for rollback).
 */
export const RUNTIMES_ROOT = "/opt/zlh/runtimes";
export const META_FILE = ".zlh-artifact.json";

export const runtimeMetaSchema = z.object({
  name: artifactNameSchema,
  version: versionSchema,
  sha256: z.string(),
  bin: z.array(z.string()),
  verify: z.object({ command: z.string(), args: z.array(z.string()), expect: z.string() }).optional(),
  installedAt: z.string(),
});
export type RuntimeMeta = z.infer<typeof runtimeMetaSchema>;

export const runtimesDir = (ctx: AgentContext) => ctx.containerPath(RUNTIMES_ROOT);
export const runtimeDir = (ctx: AgentContext, name: string) => path.join(runtimesDir(ctx), name);
export const versionDir = (ctx: AgentContext, name: string, version: string) => path.join(runtimeDir(ctx, name), version);

/** The version a `current`/`previous` link points at, when that version is installed. */
export function linkedVersion(ctx: AgentContext, name: string, link: "current" | "previous"): string | undefined {
  try {
    const v = readlinkSync(path.join(runtimeDir(ctx, name), link));
    return versionSchema.safeParse(v).success && isDir(versionDir(ctx, name, v)) ? v : undefined;
  } catch {
    return undefined;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function readMeta(dir: string): RuntimeMeta | undefined {
  try {
    return runtimeMetaSchema.parse(JSON.parse(readFileSync(path.join(dir, META_FILE), "utf8")));
  } catch {
    return undefined;
  }
}

const listNames = (dir: string) => {
  try {
    return readdirSync(dir).filter((n) => !n.startsWith(".")).sort();
  } catch {
    return [];
  }
};

/** Installed runtimes (sync: small directory reads; used per /status and per shell spawn). */
export function listInstalled(ctx: AgentContext): InstalledRuntime[] {
  const out: InstalledRuntime[] = [];
  for (const name of listNames(runtimesDir(ctx)).filter((n) => artifactNameSchema.safeParse(n).success)) {
    const current = linkedVersion(ctx, name, "current");
    for (const version of listNames(runtimeDir(ctx, name))) {
      if (!versionSchema.safeParse(version).success || !isDir(versionDir(ctx, name, version))) continue;
      out.push({ name, version, current: version === current, path: `${RUNTIMES_ROOT}/${name}/${version}` });
    }
  }
  return out;
}

/**
 * Host paths of the current runtimes' bin folders, through the `current` link so running shells
 * follow upgrades and rollbacks without a new PATH.
 */
export function currentRuntimeBins(ctx: AgentContext): { bins: string[]; runtimes: { name: string; version: string }[] } {
  const bins: string[] = [];
  const runtimes: { name: string; version: string }[] = [];
  for (const name of listNames(runtimesDir(ctx))) {
    const version = linkedVersion(ctx, name, "current");
    if (!version) continue;
    runtimes.push({ name, version });
    const meta = readMeta(versionDir(ctx, name, version));
    for (const b of meta?.bin ?? []) bins.push(path.join(runtimeDir(ctx, name), "current", b));
  }
  return { bins, runtimes };
}
