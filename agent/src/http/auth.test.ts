import { describe, expect, it } from "vitest";
import { bearerMatches } from "./auth";

describe("bearerMatches", () => {
  const tok = "s3cret-token-value-123";
  it("accepts the exact token", () => expect(bearerMatches(`Bearer ${tok}`, tok)).toBe(true));
  it("refuses a missing header", () => expect(bearerMatches(undefined, tok)).toBe(false));
  it("refuses a wrong token", () => expect(bearerMatches("Bearer nope", tok)).toBe(false));
  it("refuses a prefix of the token", () => expect(bearerMatches(`Bearer ${tok.slice(0, -1)}`, tok)).toBe(false));
  it("refuses other schemes and malformed headers", () => {
    expect(bearerMatches(`Basic ${tok}`, tok)).toBe(false);
    expect(bearerMatches(`Bearer  ${tok}`, tok)).toBe(false);
    expect(bearerMatches(`Bearer ${tok} extra`, tok)).toBe(false);
  });
});
