/**
 * One percentage for a build from the steps its builder reports. Builders report steps with an
 * optional done/total (scripts/artifacts/builder.ts); each known step owns a slice of 0-100, so the
 * bar only moves forward. Unknown steps keep the last value (the message still changes).
 */
type Slice = readonly [step: string, start: number, end: number];

const PLANS: Record<string, readonly Slice[]> = {
  node: [["fetch", 0, 35], ["extract", 35, 45], ["npm", 45, 55], ["pack", 55, 90], ["cache", 0, 90], ["hash", 90, 100]],
  "flying-squid": [["npm install", 0, 60], ["pack", 60, 90], ["hash", 90, 100]],
  "code-server": [["node", 0, 10], ["install", 10, 70], ["verify", 70, 75], ["pack", 75, 92], ["cache", 0, 92], ["hash", 92, 100]],
  python: [["stage", 0, 30], ["check", 30, 40], ["pack", 40, 90], ["cache", 0, 90], ["hash", 90, 100]],
  java: [["pack", 0, 85], ["cache", 0, 85], ["hash", 85, 100]],
};
const GENERIC: readonly Slice[] = [["cache", 0, 90], ["pack", 20, 90], ["hash", 90, 100]];

export type StepReport = { step: string; done?: number; total?: number };

export function buildPercent(name: string, report: StepReport, previous: number | null): number | null {
  const plan = PLANS[name] ?? GENERIC;
  const slice = plan.find(([s]) => s === report.step);
  if (!slice) return previous;
  const [, start, end] = slice;
  const frac = report.total && report.total > 0 ? Math.min(1, Math.max(0, (report.done ?? 0) / report.total)) : 0;
  const pct = Math.floor(start + (end - start) * frac);
  return Math.max(previous ?? 0, pct);
}

/** The CLI's machine-readable progress line (`build --progress-json`), one JSON object per line. */
export const PROGRESS_PREFIX = "@zlh-progress ";

export function parseProgressLine(line: string): (StepReport & { message?: string }) | null {
  if (!line.startsWith(PROGRESS_PREFIX)) return null;
  try {
    const v = JSON.parse(line.slice(PROGRESS_PREFIX.length)) as Record<string, unknown>;
    if (typeof v.step !== "string") return null;
    return {
      step: v.step.slice(0, 60),
      ...(typeof v.done === "number" ? { done: v.done } : {}),
      ...(typeof v.total === "number" ? { total: v.total } : {}),
      ...(typeof v.message === "string" ? { message: v.message.slice(0, 300) } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * The reason a failed CLI run gives: its `[label] FAILED: ...` line; for a refused command line
 * (exit 2, message then usage) its first line; else its last words.
 */
export function failureReason(stderrTail: string[], code: number | null, signal: string | null, stderrHead: string[] = []): string {
  const failed = [...stderrTail].reverse().find((l) => /\] FAILED: /.test(l));
  if (failed) return failed.slice(failed.indexOf("FAILED: ") + 8).slice(0, 1000);
  const first = stderrHead.find((l) => l.trim() && !l.startsWith(PROGRESS_PREFIX));
  if (code === 2 && first) return first.slice(0, 1000);
  const last = stderrTail.filter((l) => l.trim() && !l.startsWith(PROGRESS_PREFIX)).slice(-3).join(" / ");
  const how = signal ? `stopped by ${signal}` : `exit code ${code}`;
  return (last ? `${last} (${how})` : `the build ${how}`).slice(0, 1000);
}
