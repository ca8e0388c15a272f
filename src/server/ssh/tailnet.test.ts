import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeHeadscale, type FakeHeadscale } from "../../../test/fakes/headscale";
import { createTailnetKey, headscaleConfigFrom, tailscaleUpCommand } from "./tailnet";

let hs: FakeHeadscale;
beforeAll(async () => {
  hs = await startFakeHeadscale();
});
afterAll(() => hs.close());

const cfg = () => ({ url: hs.url, apiKey: hs.apiKey });
const opts = { reusable: false, ephemeral: false, expiresInHours: 24 };

describe("tailnet auth keys (Headscale fake)", () => {
  it("creates the caller's Headscale user once and a pre-auth key for it, with the tailscale up command", async () => {
    const before = Date.now();
    const k = await createTailnetKey({ id: "cUser1", email: "a@example.test" }, { ...opts, reusable: true }, cfg());
    expect(k).toMatchObject({ reusable: true, ephemeral: false, loginServer: hs.url });
    expect(k.key).toMatch(/^hskey-auth-/);
    expect(k.command).toBe(`tailscale up --login-server ${hs.url} --authkey ${k.key}`);
    expect(k.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 24 * 3600_000 - 1000);
    expect(hs.users).toEqual([expect.objectContaining({ id: "1", name: "zlh-cuser1" })]);
    expect(hs.requests.find((r) => r.path === "/api/v1/preauthkey")?.body).toMatchObject({ user: "1", reusable: true, ephemeral: false, aclTags: [] });

    const again = await createTailnetKey({ id: "cUser1" }, { ...opts, ephemeral: true, expiresInHours: 1 }, cfg());
    expect(again.ephemeral).toBe(true);
    expect(hs.users).toHaveLength(1);
    expect(hs.keys).toHaveLength(2);
    // Another portal user gets their own Headscale user.
    await createTailnetKey({ id: "cUser2" }, opts, cfg());
    expect(hs.users.map((u) => u.name)).toEqual(["zlh-cuser1", "zlh-cuser2"]);
  });

  it("turns a Headscale API error into BAD_GATEWAY with Headscale's message", async () => {
    hs.failNextPreAuthKey = { status: 400, code: 3, message: "expiration must be in the future" };
    const err = await createTailnetKey({ id: "cUser1" }, opts, cfg()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err).toMatchObject({ code: "BAD_GATEWAY", message: "Headscale answered 400: expiration must be in the future" });
  });

  it("reports a wrong API key (plain-text 401)", async () => {
    const err = await createTailnetKey({ id: "cUser1" }, opts, { url: hs.url, apiKey: "wrong" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_GATEWAY", message: "Headscale answered 401: Unauthorized" });
  });

  it("answers 'not configured' without Headscale settings", async () => {
    expect(headscaleConfigFrom({})).toBeNull();
    expect(headscaleConfigFrom({ ZLH_HEADSCALE_URL: hs.url, ZLH_HEADSCALE_API_KEY: "" })).toBeNull();
    const err = await createTailnetKey({ id: "cUser1" }, opts, null).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/not configured/) });
  });

  it("quotes what the shell would otherwise interpret", () => {
    expect(tailscaleUpCommand("https://hs.example.com", "k'ey; rm")).toBe("tailscale up --login-server https://hs.example.com --authkey 'k'\\''ey; rm'");
  });
});
