import type { StoredBackup } from "./store";

export type RetentionLimits = { count: number; bytes: number };

/**
 * Which backups go so that at most `count` remain and their sizes sum to at most `bytes`: the
 * oldest first. The newest backup always stays, even alone over the size limit (a plan's only
 * copy is worth more than the limit).
 */
export function retentionVictims(backups: StoredBackup[], limits: RetentionLimits): StoredBackup[] {
  const sorted = [...backups].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  let total = sorted.reduce((n, b) => n + b.size, 0);
  const victims: StoredBackup[] = [];
  while (sorted.length > 1 && (sorted.length > limits.count || total > limits.bytes)) {
    const oldest = sorted.shift()!;
    total -= oldest.size;
    victims.push(oldest);
  }
  return victims;
}
