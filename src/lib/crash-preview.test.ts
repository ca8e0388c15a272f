import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF } from "../../agent/src/game/backoff";
import { backoffWords, crashPreview } from "./crash-preview";

describe("the landing page's crash preview", () => {
  it("shows the agent's real default backoff and give-up count", () => {
    const lines = crashPreview(DEFAULT_BACKOFF);
    const first = DEFAULT_BACKOFF.scheduleMs[0]! / 1000;
    expect(lines[3]!.text).toContain(`restarting in ${first} s`);
    expect(lines[3]!.text).toContain(`after ${DEFAULT_BACKOFF.maxFailures} crashes in a row`);
    // The game is back after the delay, not before it.
    const at = (t: string) => t.slice(1, 9).split(":").reduce((a, x) => a * 60 + Number(x), 0);
    expect(at(lines[4]!.text) - at(lines[2]!.text)).toBeGreaterThanOrEqual(first);
  });

  it("describes the schedule in words", () => {
    expect(backoffWords({ scheduleMs: [30_000, 60_000, 120_000], stableMs: 1, maxFailures: 4 })).toBe("30 s, then 1 min, then 2 min");
  });
});
