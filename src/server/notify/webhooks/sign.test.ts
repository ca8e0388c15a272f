import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signature, signedHeaders, verifySignature } from "./sign";
import { webhookBody } from "./payload";

describe("webhook signatures", () => {
  const secret = "zlhwh_test_secret";
  const body = '{"type":"crash"}';
  it("signs HMAC-SHA256 over timestamp.body, as documented", () => {
    const ts = 1_800_000_000;
    expect(signature(secret, ts, body)).toBe(`v1=${createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex")}`);
  });
  it("verifies fresh, untampered requests only", () => {
    const now = Date.now();
    const h = signedHeaders(secret, body, now);
    const headers = { timestamp: h["x-zlh-timestamp"], signature: h["x-zlh-signature"] };
    expect(verifySignature(secret, headers, body, now)).toBe(true);
    expect(verifySignature(secret, headers, body.replace("crash", "other"), now)).toBe(false);
    expect(verifySignature("another secret", headers, body, now)).toBe(false);
    expect(verifySignature(secret, headers, body, now + 10 * 60_000)).toBe(false);
    expect(verifySignature(secret, { timestamp: "x", signature: headers.signature }, body, now)).toBe(false);
  });
});

describe("webhook payloads", () => {
  const event = { id: "n1", kind: "crash" as const, title: "mc crashed", body: "killed by SIGKILL", server: { id: "s1", name: "mc" }, url: "https://portal.example/servers/s1", createdAt: new Date("2026-12-01T10:00:00Z") };
  it("speaks Discord's execute-webhook JSON without pinging anyone", () => {
    const p = JSON.parse(webhookBody("discord", event));
    expect(p).toMatchObject({ username: "ZeroLagHub", allowed_mentions: { parse: [] } });
    expect(p.embeds[0]).toMatchObject({ title: "mc crashed", description: "killed by SIGKILL", url: event.url, timestamp: "2026-12-01T10:00:00.000Z" });
    expect(p.embeds[0].fields).toContainEqual({ name: "Server", value: "mc", inline: true });
  });
  it("generic JSON is small and stable", () => {
    expect(JSON.parse(webhookBody("generic", event))).toEqual({ id: "n1", type: "crash", title: "mc crashed", body: "killed by SIGKILL", server: { id: "s1", name: "mc" }, url: event.url, createdAt: "2026-12-01T10:00:00.000Z" });
  });
});
