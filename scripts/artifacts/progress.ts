import { PROGRESS_PREFIX } from "../../src/server/artifacts/build-progress";
import type { BuildProgress } from "./builder";

/** Human progress lines on stderr ("[node@22.23.3] pack 48% 58/120 MB"), at most one every 2 s per step. */
export function progressPrinter(label: string, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): BuildProgress {
  let lastStep = "";
  let lastAt = 0;
  return (p) => {
    const now = Date.now();
    const finished = p.total !== undefined && p.done === p.total;
    if (p.step === lastStep && p.done !== undefined && !finished && now - lastAt < 2000) return;
    lastStep = p.step;
    lastAt = now;
    const pct = p.total ? ` ${Math.floor(((p.done ?? 0) / p.total) * 100)}% ${mb(p.done ?? 0)}/${mb(p.total)}` : "";
    write(`[${label}] ${p.step}${pct}${p.message ? ` ${p.message}` : ""}`);
  };
}

/**
 * Machine-readable progress for the portal's build runner (`build --progress-json`): every report
 * as one prefixed JSON line on stderr, at most one every 500 ms per step (plus each step's last).
 */
export function jsonProgress(label: string, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): BuildProgress {
  let lastStep = "";
  let lastAt = 0;
  return (p) => {
    const now = Date.now();
    const finished = p.total !== undefined && p.done === p.total;
    if (p.step === lastStep && !finished && now - lastAt < 500) return;
    lastStep = p.step;
    lastAt = now;
    write(`${PROGRESS_PREFIX}${JSON.stringify({ label, ...p })}`);
  };
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
