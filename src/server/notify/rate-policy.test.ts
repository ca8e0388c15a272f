import { describe, expect, it } from "vitest";
import { rateWindowMs, shouldSuppress } from "./rate-policy";

describe("notification rate policy", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  it("sends the first message of a kind for a server", () => {
    expect(shouldSuppress("crash", null, now)).toBe(false);
  });
  it("suppresses more of the same kind inside the window and sends again after it", () => {
    expect(shouldSuppress("crash", new Date(now.getTime() - 60_000), now)).toBe(true);
    expect(shouldSuppress("crash", new Date(now.getTime() - rateWindowMs.crash + 1), now)).toBe(true);
    expect(shouldSuppress("crash", new Date(now.getTime() - rateWindowMs.crash), now)).toBe(false);
  });
  it("never suppresses account-level billing kinds (one event per state change already)", () => {
    expect(shouldSuppress("payment_failed", new Date(now.getTime() - 1_000), now)).toBe(false);
    expect(shouldSuppress("resumed", now, now)).toBe(false);
  });
});
