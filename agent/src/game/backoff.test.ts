import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, backoffDelay, failuresAfterCrash, parseSchedule } from "./backoff";

describe("crash backoff", () => {
  it("waits 30 s, then 60 s, then 120 s, then gives up", () => {
    expect([1, 2, 3].map((n) => backoffDelay(n, DEFAULT_BACKOFF))).toEqual([30_000, 60_000, 120_000]);
    expect(backoffDelay(4, DEFAULT_BACKOFF)).toBeNull();
  });

  it("repeats the last step when the limit is above the schedule length", () => {
    const p = { ...DEFAULT_BACKOFF, maxFailures: 10 };
    expect(backoffDelay(5, p)).toBe(120_000);
    expect(backoffDelay(9, p)).toBe(120_000);
    expect(backoffDelay(10, p)).toBeNull();
  });

  it("resets the count after a run that stayed up for the stable time", () => {
    expect(failuresAfterCrash(2, 29_999, DEFAULT_BACKOFF)).toBe(3);
    expect(failuresAfterCrash(2, 30_000, DEFAULT_BACKOFF)).toBe(1);
    expect(failuresAfterCrash(0, 1_000, DEFAULT_BACKOFF)).toBe(1);
  });

  it("a scaled-down policy behaves the same", () => {
    const p = { scheduleMs: [300, 600, 1200], stableMs: 300, maxFailures: 3 };
    let f = 0;
    const waits: (number | null)[] = [];
    for (let i = 0; i < 3; i++) {
      f = failuresAfterCrash(f, 50, p);
      waits.push(backoffDelay(f, p));
    }
    expect(waits).toEqual([300, 600, null]);
  });

  it("parses the flag", () => {
    expect(parseSchedule("30000, 60000,120000")).toEqual([30_000, 60_000, 120_000]);
    expect(() => parseSchedule("")).toThrow(/empty/);
    expect(() => parseSchedule("10,-1")).toThrow(/-1/);
    expect(() => parseSchedule("1.5")).toThrow();
  });
});
