import { describe, expect, it } from "vitest";
import { expired, hit, refund, tooManyAttemptsMessage, type BucketState } from "./window";

const policy = { limit: 3, windowMs: 60_000 };
const t0 = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("fixed window policy", () => {
  it("allows up to the limit within a window, then refuses with the time left", () => {
    let state: BucketState | null = null;
    for (let i = 1; i <= 3; i++) {
      const d = hit(state, at(i * 1000), policy);
      expect(d.allowed).toBe(true);
      expect(d.next.count).toBe(i);
      expect(d.next.windowStart).toEqual(at(1000));
      state = d.next;
    }
    const refused = hit(state, at(31_000), policy);
    expect(refused.allowed).toBe(false);
    expect(refused.next).toEqual(state);
    expect(refused.retryAfterMs).toBe(30_000);
  });

  it("starts a fresh window once the old one has passed", () => {
    const full: BucketState = { count: 3, windowStart: t0 };
    expect(hit(full, at(59_999), policy).allowed).toBe(false);
    const d = hit(full, at(60_000), policy);
    expect(d.allowed).toBe(true);
    expect(d.next).toEqual({ count: 1, windowStart: at(60_000) });
  });

  it("refunds one attempt inside the window and never goes below zero", () => {
    expect(refund({ count: 2, windowStart: t0 }, at(10), policy)).toEqual({ count: 1, windowStart: t0 });
    expect(refund({ count: 0, windowStart: t0 }, at(10), policy)).toEqual({ count: 0, windowStart: t0 });
    expect(refund({ count: 2, windowStart: t0 }, at(60_000), policy)).toBeNull();
    expect(refund(null, at(10), policy)).toBeNull();
  });

  it("knows when a window has expired", () => {
    expect(expired({ count: 1, windowStart: t0 }, at(59_999), policy)).toBe(false);
    expect(expired({ count: 1, windowStart: t0 }, at(60_000), policy)).toBe(true);
  });

  it("words the refusal in whole minutes, rounded up", () => {
    expect(tooManyAttemptsMessage(30_000)).toBe("Too many attempts, try again in 1 minute.");
    expect(tooManyAttemptsMessage(0)).toBe("Too many attempts, try again in 1 minute.");
    expect(tooManyAttemptsMessage(14 * 60_000 + 1)).toBe("Too many attempts, try again in 15 minutes.");
  });
});
