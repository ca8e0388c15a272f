import type { Tone } from "~/components/ui/badge";

/** Display helpers for the server pages (pure). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatUptime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

const tones: Record<string, Tone> = {
  running: "success",
  provisioning: "info",
  starting: "info",
  stopping: "warning",
  deleting: "warning",
  stopped: "neutral",
  error: "danger",
  crashed: "danger",
  unreachable: "danger",
};

export function statusTone(status: string): Tone {
  return tones[status] ?? "neutral";
}

/**
 * What a server's badge says: the game's own state while it runs, and "unreachable" when the
 * container should be running but its agent does not answer (it comes back by itself when the
 * agent answers again: the page polls).
 */
export function displayPhase(
  server: { kind: string; status: string },
  live: { reachable: boolean; error: string | null; game: { state: string } | null },
): string {
  if (server.status === "running" && !live.reachable && live.error) return "unreachable";
  return server.kind === "game" && live.game && server.status === "running" ? live.game.state : server.status;
}

export function statusLabel(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

export const crashLabels: Record<string, string> = {
  oom: "Out of memory",
  mod_or_plugin_error: "Mod or plugin error",
  missing_dependency: "Missing dependency",
  nonzero_exit: "Exited with an error",
  unexpected_exit: "Unexpected exit",
};

export function percent(done: number | undefined, total: number | undefined): number | null {
  if (!total || done === undefined) return null;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}
