import { describe, expect, it } from "vitest";
import { formatDate, invoiceStatusLabel, subscriptionStatusLabel, usedFraction } from "./format";

describe("billing labels", () => {
  it("labels Stripe states with a tone", () => {
    expect(subscriptionStatusLabel("past_due")).toEqual({ label: "Past due", tone: "warning" });
    expect(invoiceStatusLabel("open")).toEqual({ label: "Open (payment due)", tone: "warning" });
    expect(invoiceStatusLabel(null).label).toBe("No invoices yet");
  });

  it("formats dates in UTC and clamps usage", () => {
    expect(formatDate(new Date("2026-12-03T23:30:00Z"))).toBe("Dec 3, 2026");
    expect(usedFraction(3, 2)).toBe(1);
    expect(usedFraction(1, 4)).toBe(0.25);
    expect(usedFraction(0, 0)).toBe(1);
  });
});
