import { describe, expect, it } from "vitest";
import { maySweep } from "./heartbeat";

describe("maySweep", () => {
  it("waits for a whole window of its own successful heartbeats", () => {
    expect(maySweep(null, 100_000, 15_000)).toBe(false);
    expect(maySweep(90_000, 100_000, 15_000)).toBe(false);
    expect(maySweep(85_000, 100_000, 15_000)).toBe(true);
  });
});
