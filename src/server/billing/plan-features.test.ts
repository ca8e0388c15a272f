import { describe, expect, it } from "vitest";
import { createRefusal } from "./entitlements";
import { planFeatures, type PlanFeature } from "./plan-features";
import { plans, type PlanLimits } from "./plans";

/**
 * Every line a plan shows must be enforced: for each limit a feature names there is a check below
 * that drives the real enforcement (createRefusal, what servers.create calls) at the limit and one
 * past it. A feature naming a limit without a check here fails the test.
 */
const none = { game: 0, dev: 0 };
const enforcement: Partial<Record<keyof PlanLimits, (l: PlanLimits) => void>> = {
  servers: (l) => {
    expect(createRefusal(l, { game: 0, dev: l.servers - 1 }, { kind: "game", memoryMb: 512, enableCodeServer: false })).toBeNull();
    expect(createRefusal(l, { game: 0, dev: l.servers }, { kind: "game", memoryMb: 512, enableCodeServer: false })).toMatch(/allows/);
  },
  gameServers: (l) => {
    expect(createRefusal(l, { game: l.gameServers - 1, dev: 0 }, { kind: "game", memoryMb: 512, enableCodeServer: false })).toBeNull();
    expect(createRefusal(l, { game: l.gameServers, dev: 0 }, { kind: "game", memoryMb: 512, enableCodeServer: false })).toMatch(/allows/);
  },
  devServers: (l) => {
    expect(createRefusal(l, { game: 0, dev: l.devServers - 1 }, { kind: "dev", memoryMb: 512, enableCodeServer: false })).toBeNull();
    expect(createRefusal(l, { game: 0, dev: l.devServers }, { kind: "dev", memoryMb: 512, enableCodeServer: false })).toMatch(/allows/);
  },
  memoryMbPerServer: (l) => {
    expect(createRefusal(l, none, { kind: "dev", memoryMb: l.memoryMbPerServer, enableCodeServer: false })).toBeNull();
    expect(createRefusal(l, none, { kind: "dev", memoryMb: l.memoryMbPerServer + 1, enableCodeServer: false })).toMatch(/memory/);
  },
  codeServer: (l) => {
    expect(createRefusal(l, none, { kind: "dev", memoryMb: 512, enableCodeServer: true })).toBeNull();
    expect(createRefusal({ ...l, codeServer: false }, none, { kind: "dev", memoryMb: 512, enableCodeServer: true })).toMatch(/IDE/);
  },
};

describe("plan features", () => {
  it("are exactly the lines written from each plan's limits (no hand-written claims)", () => {
    for (const p of plans) expect(p.features).toEqual(planFeatures(p.limits).map((f) => f.text));
  });

  for (const p of plans) {
    for (const f of planFeatures(p.limits)) {
      it(`${p.name}: "${f.text}" is enforced`, () => {
        const check = enforcement[f.limit];
        if (!check) throw new Error(`"${f.text}" names ${f.limit}, which has no enforcement check`);
        check(p.limits);
      });
    }
  }

  it("state the numbers the enforcement uses", () => {
    const texts = (l: PlanLimits) => planFeatures(l).map((f: PlanFeature) => f.text);
    expect(texts(plans[0]!.limits)).toEqual(["1 server (game or dev)", "1 GB memory per server", "VS Code in the browser on dev containers"]);
    expect(texts(plans[1]!.limits)).toContain("2 game servers");
    expect(texts({ ...plans[1]!.limits, codeServer: false })).not.toContain("VS Code in the browser on dev containers");
  });
});
