import { randomBytes } from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCookies, sessionUserFromRequest } from "./node-session";

const secret = randomBytes(32).toString("base64url");
const previous = process.env.NEXTAUTH_SECRET;
beforeAll(() => {
  process.env.NEXTAUTH_SECRET = secret;
});
afterAll(() => {
  process.env.NEXTAUTH_SECRET = previous;
});

const req = (cookie?: string) => ({ headers: cookie ? { cookie } : {} });

describe("session from a raw Node request", () => {
  it("reads the user from a valid next-auth session cookie", async () => {
    const token = await encode({ token: { sub: "user-1", email: "a@example.test" }, secret });
    expect(await sessionUserFromRequest(req(`theme=dark; next-auth.session-token=${token}`))).toEqual({ id: "user-1", email: "a@example.test" });
  });

  it("refuses a token signed with another secret, a garbled one and none", async () => {
    const foreign = await encode({ token: { sub: "user-1", email: "a@example.test" }, secret: randomBytes(32).toString("base64url") });
    expect(await sessionUserFromRequest(req(`next-auth.session-token=${foreign}`))).toBeNull();
    expect(await sessionUserFromRequest(req("next-auth.session-token=garbage"))).toBeNull();
    expect(await sessionUserFromRequest(req())).toBeNull();
  });

  it("parses cookie headers leniently", () => {
    expect(parseCookies("a=1; b=x%20y; c=%E0%A4%A; =bad; d")).toEqual({ a: "1", b: "x y", c: "%E0%A4%A" });
    expect(parseCookies(undefined)).toEqual({});
  });
});
