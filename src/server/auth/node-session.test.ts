import { randomBytes } from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

// The session's user must exist (its session version is checked), so this runs against PostgreSQL.
useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { parseCookies, sessionUserFromRequest } = await import("./node-session");
afterAll(closeDb);

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
    const user = await db.user.create({ data: { email: `ns-${randomBytes(6).toString("hex")}@example.test`, passwordHash: "x" } });
    const token = await encode({ token: { sub: user.id, email: user.email, sv: 0 }, secret });
    expect(await sessionUserFromRequest(req(`theme=dark; next-auth.session-token=${token}`))).toEqual({ id: user.id, email: user.email });
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
