import { describe, expect, it } from "vitest";
import { dueTimes, nextRuns, parseSchedule } from "./cron";

describe("schedule cron policy", () => {
  it("refuses anything but five fields and unknown time zones", () => {
    expect(() => parseSchedule("* * * * * *", "UTC")).toThrow(/five fields/);
    expect(() => parseSchedule("bad", "UTC")).toThrow(/five fields/);
    expect(() => parseSchedule("0 4 * * *", "Mars/Base")).toThrow(/time zone/);
    expect(() => parseSchedule("61 * * * *", "UTC")).toThrow();
  });
  it("computes next runs in the schedule's time zone (04:00 Berlin is 03:00 UTC in winter)", () => {
    expect(nextRuns("0 4 * * *", "Europe/Berlin", new Date("2026-12-01T10:00:00Z"), 2).map((d) => d.toISOString())).toEqual(["2026-12-02T03:00:00.000Z", "2026-12-03T03:00:00.000Z"]);
  });
  it("due times are the runs in (after, upTo]", () => {
    const due = dueTimes("*/5 * * * *", "UTC", new Date("2026-12-01T10:00:00Z"), new Date("2026-12-01T10:10:00Z"));
    expect(due.map((d) => d.toISOString())).toEqual(["2026-12-01T10:05:00.000Z", "2026-12-01T10:10:00.000Z"]);
    expect(dueTimes("*/5 * * * *", "UTC", new Date("2026-12-01T10:05:00Z"), new Date("2026-12-01T10:09:59Z"))).toEqual([]);
  });
});
