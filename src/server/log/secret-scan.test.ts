import { describe, expect, it } from "vitest";
import { scanLogText } from "./secret-scan";

describe("secret scan over logs", () => {
  it("finds every credential shape and known secret, with the line it is on", () => {
    const lines = [
      '{"msg":"ok","url":"/__zlh/auth?token=[redacted]"}',
      '{"headers":{"authorization":"Bearer abcdef1234567890"}}',
      '{"cookie":"next-auth.session-token=eyJhbGciOiJkaXIi.zzz"}',
      '{"url":"/reset-password?token=abcdef123456"}',
      '{"password":"hunter22"}',
      'signed in with pw-1b4e28ba-2fa1-41d2-883f-0016d3cca427',
      '{"msg":"the key is 0123456789abcdef-run-secret"}',
      '{"t":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig"}',
      '{"password":"[redacted]","token":"[redacted]","authorization":"Bearer [redacted]"}',
    ];
    const found = scanLogText("portal.log", lines.join("\n"), ["0123456789abcdef-run-secret", "short"]);
    expect(found.map((f) => [f.line, f.rule])).toEqual([
      [2, "bearer token"],
      [2, "credential field"],
      [3, "session cookie"],
      [3, "credential field"],
      [4, "credential in URL"],
      [5, "credential field"],
      [6, "e2e password"],
      [7, "known secret"],
      [8, "JWT"],
    ]);
    // The report itself does not repeat the secret.
    expect(found.some((f) => f.excerpt.includes("abcdef1234567890"))).toBe(false);
  });
});
