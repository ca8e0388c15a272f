import { describe, expect, it } from "vitest";
import { addEntry, emptyCatalog } from "./catalog-ops";
import { defaultBuildJobs, preparedLabel, type BuilderInfo } from "./defaults";
import { planSeed } from "./seed";

const config = { ZLH_ARTIFACTS_URL: undefined, ZLH_SEED_ARTIFACTS: "1" };
const builders: BuilderInfo[] = [
  { name: "python", kind: "runtime", versions: ["3.11.2"], available: true },
  { name: "code-server", kind: "service", versions: ["4.139.1"], available: true },
  { name: "java", kind: "runtime", versions: ["25.0.3", "17.0.15"], available: "no JDK under /usr/lib/jvm" },
  { name: "node", kind: "runtime", versions: ["24.21.0", "22.23.3"], available: true },
  { name: "lxc-template", kind: "service", versions: ["bookworm-1"], available: true },
  { name: "flying-squid", kind: "game", versions: ["1.12.0"], available: true },
  { name: "go", kind: "runtime", versions: ["1.23.4"], available: true },
];

describe("the default artifacts", () => {
  it("come in the order users need them: game first, then the IDE, then other runtimes, then the template", () => {
    expect(defaultBuildJobs(builders).map((j) => `${j.name}@${j.version}`)).toEqual([
      "node@24.21.0",
      "node@22.23.3",
      "flying-squid@1.12.0",
      "code-server@4.139.1",
      "python@3.11.2",
      "java@25.0.3",
      "lxc-template@bookworm-1",
    ]);
  });

  it("start with the container template when the lxc provider runs: every server is built on it", () => {
    expect(defaultBuildJobs(builders, { templateFirst: true }).map((j) => j.name)).toEqual([
      "lxc-template",
      "node",
      "node",
      "flying-squid",
      "code-server",
      "python",
      "java",
    ]);
  });

  it("carry the reason a builder cannot run here", () => {
    expect(defaultBuildJobs(builders).find((j) => j.name === "java")).toEqual({ name: "java", version: "25.0.3", kind: "runtime", unavailable: "no JDK under /usr/lib/jvm" });
  });

  it("have names people know", () => {
    expect(preparedLabel("flying-squid", "game")).toBe("Minecraft");
    expect(preparedLabel("code-server", "service")).toBe("VS Code in the browser");
  });
});

describe("planSeed (first run)", () => {
  const jobs = defaultBuildJobs(builders);

  it("queues every buildable default missing from the store and reports the others", () => {
    const withNode24 = addEntry(
      emptyCatalog(),
      { kind: "runtime", name: "node", version: "24.21.0", os: "linux", arch: "x64", url: "x", sha256: "a".repeat(64), size: 1, bin: [] },
      ["stable"],
    ).catalog;
    const plan = planSeed(config, withNode24, jobs);
    expect(plan.seed && plan.queue.map((j) => j.name + "@" + j.version)).toEqual([
      "node@22.23.3",
      "flying-squid@1.12.0",
      "code-server@4.139.1",
      "python@3.11.2",
      "lxc-template@bookworm-1",
    ]);
    expect(plan.seed && plan.unbuildable.map((j) => j.name)).toEqual(["java"]);
  });

  it("prepares only the listed builders when ZLH_SEED_ARTIFACTS is a list", () => {
    const plan = planSeed({ ...config, ZLH_SEED_ARTIFACTS: "flying-squid,python" }, emptyCatalog(), jobs);
    expect(plan.seed && plan.queue.map((j) => j.name)).toEqual(["flying-squid", "python"]);
  });

  it("does nothing for a remote store or with ZLH_SEED_ARTIFACTS=0", () => {
    expect(planSeed({ ...config, ZLH_ARTIFACTS_URL: "https://r2.example/zlh/" }, emptyCatalog(), jobs)).toMatchObject({ seed: false });
    expect(planSeed({ ...config, ZLH_SEED_ARTIFACTS: "0" }, emptyCatalog(), jobs)).toEqual({ seed: false, reason: "ZLH_SEED_ARTIFACTS=0" });
  });
});
