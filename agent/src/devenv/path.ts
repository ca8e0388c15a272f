/** The system dirs every dev shell keeps, in the usual order. */
export const STANDARD_PATH_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"] as const;

/**
 * The dev PATH: runtime bins first (in the order given), then `existing` entries, then the standard
 * system dirs; no duplicates (trailing slashes ignored), no empty or relative entries (they would
 * make the current directory searchable).
 */
export function normalizePath(runtimeBins: readonly string[], existing = ""): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of [...runtimeBins, ...existing.split(":"), ...STANDARD_PATH_DIRS]) {
    const p = raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
    if (!p.startsWith("/") || p.includes("\n") || seen.has(p)) continue;
    seen.add(p);
    out.push(p);
  }
  return out.join(":");
}
