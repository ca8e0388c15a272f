/**
 * Terminal sizes from an SSH client are untrusted: `pty-req` and `window-change` may carry 0 or
 * absurd values, and node-pty throws on a non-positive size (an uncaught throw in the session's
 * event handler would take the whole agent down). Clamp to what a terminal can be.
 */
export const MAX_TERMINAL_DIMENSION = 1000;

export function terminalSize(cols: unknown, rows: unknown, fallback = { cols: 80, rows: 24 }): { cols: number; rows: number } {
  const fit = (v: unknown, d: number) => (typeof v === "number" && Number.isInteger(v) && v > 0 ? Math.min(v, MAX_TERMINAL_DIMENSION) : d);
  return { cols: fit(cols, fallback.cols), rows: fit(rows, fallback.rows) };
}
