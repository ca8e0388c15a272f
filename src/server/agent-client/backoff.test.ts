import { describe, expect, it } from "vitest";
import { backoffDelay, isRetryable } from "./backoff";

describe("agent client backoff", () => {
  it("grows exponentially and caps", () => {
    const fixed = () => 1;
    expect(backoffDelay(0, 100, 1000, fixed)).toBe(100);
    expect(backoffDelay(2, 100, 1000, fixed)).toBe(400);
    expect(backoffDelay(10, 100, 1000, fixed)).toBe(1000);
    expect(backoffDelay(1, 100, 1000, () => 0)).toBe(150);
  });
  it("retries only idempotent calls on transient failures", () => {
    expect(isRetryable({ idempotent: true, networkError: true })).toBe(true);
    expect(isRetryable({ idempotent: true, status: 503 })).toBe(true);
    expect(isRetryable({ idempotent: true, status: 400 })).toBe(false);
    expect(isRetryable({ idempotent: true, status: 401 })).toBe(false);
    expect(isRetryable({ idempotent: false, networkError: true })).toBe(false);
  });
});
