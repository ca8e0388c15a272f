import { afterEach, describe, expect, it } from "vitest";
import { GET } from "../../app/api/isolation/route";
import { UNISOLATED_NOTICE } from "./mode";

/** What every page's banner asks (src/components/isolation-banner.tsx). */
describe("GET /api/isolation", () => {
  const saved = process.env.ZLH_PROVIDER;
  afterEach(() => {
    if (saved === undefined) delete process.env.ZLH_PROVIDER;
    else process.env.ZLH_PROVIDER = saved;
  });

  it("says unisolated, with the notice, on the unisolated provider", async () => {
    process.env.ZLH_PROVIDER = "unisolated";
    const r = GET();
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(await r.json()).toEqual({ unisolated: true, notice: UNISOLATED_NOTICE });
  });

  it("stays silent on an isolating provider", async () => {
    process.env.ZLH_PROVIDER = "lxc";
    expect(await GET().json()).toEqual({ unisolated: false, notice: null });
  });
});
