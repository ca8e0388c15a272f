import { Cron } from "croner";

/**
 * Cron policy for schedules: five fields (minute resolution) in an IANA time zone. Pure functions
 * over croner, so the runner and the UI agree on when a schedule is due.
 */
export function parseSchedule(cron: string, timezone: string): Cron {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error("a cron expression has five fields: minute hour day-of-month month day-of-week");
  try {
    Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new Error(`unknown time zone ${JSON.stringify(timezone)}`);
  }
  const c = new Cron(fields.join(" "), { timezone, paused: true });
  if (!c.nextRun(new Date())) throw new Error("this expression never runs");
  return c;
}

/** The next `n` run times after `from`. */
export function nextRuns(cron: string, timezone: string, from: Date, n: number): Date[] {
  return parseSchedule(cron, timezone).nextRuns(n, from);
}

/** Run times in (after, upTo]: what a tick at `upTo` owes since the last look at `after`. */
export function dueTimes(cron: string, timezone: string, after: Date, upTo: Date, max = 10): Date[] {
  const c = parseSchedule(cron, timezone);
  const out: Date[] = [];
  let t = c.nextRun(after);
  while (t && t.getTime() <= upTo.getTime() && out.length < max) {
    out.push(t);
    t = c.nextRun(t);
  }
  return out;
}
