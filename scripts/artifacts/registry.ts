import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ArtifactBuilder } from "./builder";

/**
 * Builders are discovered from scripts/artifacts/builders/*.ts: every exported value (or array of
 * values) shaped like an ArtifactBuilder counts, whatever its export name.
 */
export const BUILDERS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "builders");

export function isBuilder(v: unknown): v is ArtifactBuilder {
  if (!v || typeof v !== "object") return false;
  const b = v as Record<string, unknown>;
  return (
    typeof b.name === "string" &&
    typeof b.kind === "string" &&
    typeof b.versions === "function" &&
    typeof b.available === "function" &&
    typeof b.build === "function"
  );
}

export type Discovery = { builders: ArtifactBuilder[]; broken: { file: string; error: string }[] };

export async function discoverBuilders(dir = BUILDERS_DIR): Promise<Discovery> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".ts") && !/\.(test|spec)\.ts$/.test(f)).sort();
  const found = new Map<string, ArtifactBuilder>();
  const broken: Discovery["broken"] = [];
  for (const f of files) {
    try {
      const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as Record<string, unknown>;
      for (const value of Object.values(mod)) {
        for (const candidate of Array.isArray(value) ? value : [value]) {
          if (isBuilder(candidate) && !found.has(candidate.name)) found.set(candidate.name, candidate);
        }
      }
    } catch (err) {
      // One unfinished builder must not take the whole CLI down.
      broken.push({ file: f, error: (err as Error).message.split("\n")[0]! });
    }
  }
  return { builders: [...found.values()].sort((a, b) => a.name.localeCompare(b.name)), broken };
}
