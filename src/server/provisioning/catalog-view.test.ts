import { describe, expect, it } from "vitest";
import type { Catalog } from "../../../agent/src/contract";
import { pickVersion, runtimeCatalogView } from "./catalog-view";

const entry = (kind: "runtime" | "game", name: string, version: string) => ({
  kind, name, version, os: "linux" as const, arch: "x64" as const, url: `${name}.tgz`, sha256: "a".repeat(64), size: 1, bin: [],
});
const catalog: Catalog = {
  schemaVersion: 1,
  generatedAt: new Date().toISOString(),
  artifacts: [entry("runtime", "node", "20.1.0"), entry("runtime", "node", "22.3.0"), entry("runtime", "node", "24.0.0-beta.1"), entry("game", "flying-squid", "1.12.0")],
  channels: { node: { stable: ["20.1.0", "22.3.0"], beta: ["24.0.0-beta.1"] }, "flying-squid": { stable: ["1.12.0"] } },
};

describe("runtime catalog view", () => {
  it("lists runtimes and games, newest first, with channel labels and a stable default", () => {
    const v = runtimeCatalogView(catalog);
    expect(v.runtimes).toHaveLength(1);
    expect(v.runtimes[0]!.versions).toEqual([
      { version: "24.0.0-beta.1", channels: ["beta"] },
      { version: "22.3.0", channels: ["stable"] },
      { version: "20.1.0", channels: [] },
    ]);
    expect(v.runtimes[0]!.defaultVersion).toBe("22.3.0");
    expect(v.games.map((g) => g.name)).toEqual(["flying-squid"]);
  });
  it("pins the default version or refuses unknown ones", () => {
    const { runtimes } = runtimeCatalogView(catalog);
    expect(pickVersion(runtimes, "node", undefined)).toEqual({ version: "22.3.0" });
    expect(pickVersion(runtimes, "node", "20.1.0")).toEqual({ version: "20.1.0" });
    expect(pickVersion(runtimes, "node", "9.9.9")).toHaveProperty("error");
    expect(pickVersion(runtimes, "python", undefined)).toEqual({ error: "python is not in the catalog" });
  });
});
