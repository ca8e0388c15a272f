import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The agent bundle (scripts/build-agent.mjs) leaves its native modules external: node-pty, ssh2 and
 * cpu-features load from node_modules at run time. A container gets exactly those packages and
 * their dependencies, bound read-only, not the portal's whole node_modules.
 */
export const AGENT_EXTERNALS = ["node-pty", "ssh2", "cpu-features"] as const;

/**
 * Pure: the top-level packages `roots` need, following dependencies + optionalDependencies the way
 * Node resolves them (a package's own node_modules first, then the top level). Nested packages come
 * along inside their parent's folder; what they need from the top level is collected too.
 */
export function moduleClosure(
  roots: readonly string[],
  pkg: { resolve(name: string, fromDir: string | null): string | null; deps(dir: string): string[]; topLevel(dir: string): string | null },
): string[] {
  const top = new Set<string>();
  const seen = new Set<string>();
  const queue: { name: string; from: string | null }[] = roots.map((name) => ({ name, from: null }));
  while (queue.length) {
    const { name, from } = queue.shift()!;
    const dir = pkg.resolve(name, from);
    if (!dir || seen.has(dir)) continue; // optional and not installed, or done
    seen.add(dir);
    const t = pkg.topLevel(dir);
    if (t) top.add(t);
    for (const d of pkg.deps(dir)) queue.push({ name: d, from: dir });
  }
  return [...top].sort();
}

export function agentNativeModules(nodeModulesDir: string): { name: string; dir: string }[] {
  const nm = path.resolve(nodeModulesDir);
  const resolve = (name: string, fromDir: string | null): string | null => {
    // Walk up from the requiring package's own node_modules to the top level.
    for (let d = fromDir; d && d.startsWith(nm + path.sep); d = path.dirname(d)) {
      const cand = path.join(d, "node_modules", name);
      if (existsSync(path.join(cand, "package.json"))) return cand;
    }
    const cand = path.join(nm, name);
    return existsSync(path.join(cand, "package.json")) ? cand : null;
  };
  const deps = (dir: string): string[] => {
    const j = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    return [...Object.keys(j.dependencies ?? {}), ...Object.keys(j.optionalDependencies ?? {})];
  };
  const topLevel = (dir: string): string | null => {
    const rel = path.relative(nm, dir).split(path.sep);
    // node_modules/<name> or node_modules/@scope/<name>; deeper ones live inside their parent.
    if (rel[0]?.startsWith("@")) return rel.length === 2 ? `${rel[0]}/${rel[1]}` : null;
    return rel.length === 1 ? rel[0]! : null;
  };
  return moduleClosure(AGENT_EXTERNALS, { resolve, deps, topLevel }).map((name) => ({ name, dir: path.join(nm, name) }));
}
