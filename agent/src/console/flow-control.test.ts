import { describe, expect, it } from "vitest";
import { nextFlowState } from "./flow-control";

const marks = { high: 1000, low: 100 };

describe("nextFlowState", () => {
  it("pauses when any viewer is above the high-water mark", () => {
    expect(nextFlowState(false, [0, 1001], marks)).toBe(true);
    expect(nextFlowState(false, [0, 1000], marks)).toBe(false);
  });
  it("stays paused between the marks", () => {
    expect(nextFlowState(true, [500, 0], marks)).toBe(true);
    expect(nextFlowState(true, [101], marks)).toBe(true);
  });
  it("resumes only when every viewer is at or below the low-water mark", () => {
    expect(nextFlowState(true, [100, 0], marks)).toBe(false);
  });
  it("runs freely with no viewers", () => {
    expect(nextFlowState(true, [], marks)).toBe(false);
    expect(nextFlowState(false, [], marks)).toBe(false);
  });
});
