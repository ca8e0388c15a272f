import { describe, expect, it } from "vitest";
import { beginSignUp, signUpPolicies } from "./signup";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe("sign-up limits", () => {
  it("limits an address per minute, and over ten minutes even when the server is slow", () => {
    const p = signUpPolicies(3);
    const ip = `198.51.100.${Math.floor(Math.random() * 200)}`;
    for (let i = 0; i < 3; i++) expect(beginSignUp(ip, p, at(i)).allowed).toBe(true);
    expect(beginSignUp(ip, p, at(5))).toMatchObject({ allowed: false });
    // A slow flood: one every 25 s stays under 3 a minute, but not under 6 in ten minutes.
    const slow = `203.0.113.${Math.floor(Math.random() * 200)}`;
    const answers = Array.from({ length: 8 }, (_, i) => beginSignUp(slow, p, at(i * 25)).allowed);
    expect(answers.slice(0, 6).every(Boolean)).toBe(true);
    expect(answers.slice(6)).toEqual([false, false]);
  });

  it("limits a network across its addresses, and a refusal uses up nothing", () => {
    const p = signUpPolicies(1);
    const net = `192.0.2`;
    const allowed = Array.from({ length: 12 }, (_, i) => beginSignUp(`${net}.${i}`, p, at(0)).allowed);
    expect(allowed.filter(Boolean)).toHaveLength(10);
    expect(beginSignUp("2001:db8::1", p, at(0)).allowed).toBe(true);
  });
});
