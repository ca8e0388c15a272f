import { execFile } from "node:child_process";
import { randomInt } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { beginSignUp, signUpPolicies } from "./signup";

const databaseUrl = useTestDatabase();
const { db, closeDb } = await import("../db/client");
afterAll(closeDb);

// Each test at its own hour, so no window of one test is still open in the next.
const hour = (h: number) => Date.UTC(2026, 0, 1, h);
const at = (h: number, s: number) => new Date(hour(h) + s * 1000);
const octet = () => randomInt(1, 250);

describe("sign-up limits", () => {
  it("limits an address per minute, and over ten minutes even when the server is slow", async () => {
    const p = signUpPolicies(3);
    const ip = `198.51.${octet()}.${octet()}`;
    for (let i = 0; i < 3; i++) expect((await beginSignUp(db, ip, p, at(1, 30 + i))).allowed).toBe(true);
    expect(await beginSignUp(db, ip, p, at(1, 35))).toEqual({ allowed: false, retryAfterMs: 55_000 });
    // The window started at the first attempt: it ends a minute later, not at the next full minute.
    expect((await beginSignUp(db, ip, p, at(1, 89))).allowed).toBe(false);
    expect((await beginSignUp(db, ip, p, at(1, 90))).allowed).toBe(true);
    // A slow flood: one every 25 s stays under 3 a minute, but not under 6 in ten minutes.
    const slow = `203.0.${octet()}.${octet()}`;
    const answers: boolean[] = [];
    for (let i = 0; i < 8; i++) answers.push((await beginSignUp(db, slow, p, at(2, i * 25))).allowed);
    expect(answers.slice(0, 6).every(Boolean)).toBe(true);
    expect(answers.slice(6)).toEqual([false, false]);
  });

  it("limits a network across its addresses, and a refusal uses up nothing", async () => {
    const p = signUpPolicies(1);
    const net = `192.${octet()}.${octet()}`;
    // One address refused over and over does not eat its network's hourly budget...
    for (let i = 0; i < 5; i++) await beginSignUp(db, `${net}.200`, p, at(3, 0));
    // ...so nine more addresses get in, and the tenth network sign-up is the last.
    const allowed: boolean[] = [];
    for (let i = 0; i < 11; i++) allowed.push((await beginSignUp(db, `${net}.${i}`, p, at(3, 0))).allowed);
    expect(allowed.filter(Boolean)).toHaveLength(9);
    expect((await beginSignUp(db, "2001:db8::1", p, at(3, 0))).allowed).toBe(true);
  });

  it("counts concurrent attempts exactly", async () => {
    const p = signUpPolicies(4);
    const ip = `198.18.${octet()}.${octet()}`;
    const answers = await Promise.all(Array.from({ length: 12 }, () => beginSignUp(db, ip, p, at(4, 0))));
    expect(answers.filter((a) => a.allowed)).toHaveLength(4);
  });

  it("shares one budget between two portal processes with their own database clients", async () => {
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: databaseUrl, ATTEMPTS: "5", PER_MINUTE: "3", NOW: String(hour(5)), ADDRESS: `198.19.${octet()}.${octet()}` };
    const callers = await Promise.all(
      [0, 1].map(() => run(process.execPath, ["--import", "tsx", "src/server/ratelimit/signup-caller.fixture.ts"], { env })),
    );
    const allowed = callers.map((c) => (JSON.parse(c.stdout.trim().split("\n").pop()!) as { allowed: number }).allowed);
    // Each process alone would allow 3 (in-process counting allowed 6 in all).
    expect(allowed[0]! + allowed[1]!).toBe(3);
  }, 60_000);

  it("forgets windows that have passed when pruned", async () => {
    const { pruneWindows } = await import("./windows");
    const ip = `198.20.${octet()}.${octet()}`;
    await beginSignUp(db, ip, signUpPolicies(3), at(6, 0));
    expect(await db.rateLimitWindow.count({ where: { key: ip } })).toBe(2);
    await pruneWindows(db, at(7, 0));
    expect(await db.rateLimitWindow.count({ where: { key: ip } })).toBe(0);
  });
});
