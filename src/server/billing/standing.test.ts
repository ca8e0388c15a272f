import { describe, expect, it } from "vitest";
import { isBillingSuspension, shouldSuspend, standingOf, suspensionReason } from "./standing";

const now = new Date("2026-11-26T12:00:00Z");
const daysAgo = (d: number) => new Date(now.getTime() - d * 24 * 60 * 60 * 1000);

describe("standingOf", () => {
  it("puts a user without a subscription on the free plan", () => {
    expect(standingOf(null, now, 7)).toEqual({ plan: "free", state: "none", graceEndsAt: null });
  });

  it("gives active and trialing subscriptions their plan", () => {
    expect(standingOf({ plan: "pro", status: "active", paymentFailedAt: null }, now, 7).plan).toBe("pro");
    expect(standingOf({ plan: "starter", status: "trialing", paymentFailedAt: null }, now, 7).plan).toBe("starter");
  });

  it("keeps the paid plan while a past-due subscription is within grace", () => {
    const s = standingOf({ plan: "pro", status: "past_due", paymentFailedAt: daysAgo(3) }, now, 7);
    expect(s).toEqual({ plan: "pro", state: "grace", graceEndsAt: new Date("2026-11-30T12:00:00Z") });
    expect(shouldSuspend(s)).toBe(false);
  });

  it("lapses to the free plan once the grace period is over, and suspends", () => {
    const s = standingOf({ plan: "pro", status: "past_due", paymentFailedAt: daysAgo(7) }, now, 7);
    expect(s.state).toBe("lapsed");
    expect(s.plan).toBe("free");
    expect(shouldSuspend(s)).toBe(true);
  });

  it("honours a zero-day grace period", () => {
    expect(standingOf({ plan: "starter", status: "unpaid", paymentFailedAt: now }, now, 0).state).toBe("lapsed");
  });

  it("starts the grace period now for a past-due subscription with no recorded failure", () => {
    const s = standingOf({ plan: "starter", status: "past_due", paymentFailedAt: null }, now, 7);
    expect(s.state).toBe("grace");
    expect(s.graceEndsAt).toEqual(new Date("2026-12-03T12:00:00Z"));
  });

  it("does not let canceling dodge an unpaid failure", () => {
    const inGrace = standingOf({ plan: "pro", status: "canceled", paymentFailedAt: daysAgo(1) }, now, 7);
    expect(inGrace).toMatchObject({ plan: "free", state: "grace" });
    expect(standingOf({ plan: "pro", status: "canceled", paymentFailedAt: daysAgo(8) }, now, 7).state).toBe("lapsed");
  });

  it("treats a canceled or incomplete subscription without debt as the free plan", () => {
    expect(standingOf({ plan: "pro", status: "canceled", paymentFailedAt: null }, now, 7)).toEqual({ plan: "free", state: "ended", graceEndsAt: null });
    expect(standingOf({ plan: "pro", status: "incomplete", paymentFailedAt: null }, now, 7).plan).toBe("free");
  });

  it("never grants a plan id it does not know", () => {
    expect(standingOf({ plan: "enterprise", status: "active", paymentFailedAt: null }, now, 7).plan).toBe("free");
  });
});

describe("suspension reasons", () => {
  it("names the cause and where to fix it, and is recognisable as billing's own", () => {
    const reason = suspensionReason(standingOf({ plan: "pro", status: "unpaid", paymentFailedAt: daysAgo(10) }, now, 7));
    expect(reason).toContain("/billing");
    expect(reason).toContain("2026-11-23");
    expect(isBillingSuspension(reason)).toBe(true);
    expect(isBillingSuspension("Suspended by an administrator")).toBe(false);
    expect(isBillingSuspension(null)).toBe(false);
  });
});
