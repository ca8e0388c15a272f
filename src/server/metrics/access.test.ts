import { describe, expect, it } from "vitest";
import { metricsAccess } from "./access";
import { webhookOutcome } from "./webhooks";

describe("who may read /metrics", () => {
  const token = "metrics-token-0123456789";
  it("is disabled without a configured token, whatever the caller sends", () => {
    expect(metricsAccess(`Bearer ${token}`, undefined)).toBe("disabled");
    expect(metricsAccess(`Bearer ${token}`, "")).toBe("disabled");
  });
  it("allows only the exact bearer token", () => {
    expect(metricsAccess(`Bearer ${token}`, token)).toBe("allow");
    expect(metricsAccess(undefined, token)).toBe("unauthorized");
    expect(metricsAccess(`Bearer ${token}x`, token)).toBe("unauthorized");
    expect(metricsAccess(`Basic ${token}`, token)).toBe("unauthorized");
    expect(metricsAccess(`Bearer ${token} extra`, token)).toBe("unauthorized");
    expect(metricsAccess("Bearer ", token)).toBe("unauthorized");
  });
});

describe("webhook outcome labels", () => {
  it("uses the processing outcome when processed, the answer's meaning otherwise", () => {
    expect(webhookOutcome(200, { received: true, outcome: "applied" })).toBe("applied");
    expect(webhookOutcome(200, { outcome: "<script>" })).toBe("status_2xx");
    expect(webhookOutcome(400, {})).toBe("refused");
    expect(webhookOutcome(413, undefined)).toBe("too_large");
    expect(webhookOutcome(503, {})).toBe("not_configured");
    expect(webhookOutcome(500, undefined)).toBe("failed");
  });
});
