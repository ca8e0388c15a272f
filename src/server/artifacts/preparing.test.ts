import { describe, expect, it } from "vitest";
import type { ArtifactBuild } from "./build-queue";
import { addEntry, emptyCatalog } from "./catalog-ops";
import { preparingView } from "./preparing";

function build(p: Partial<ArtifactBuild> & Pick<ArtifactBuild, "name" | "status">): ArtifactBuild {
  const now = new Date();
  return {
    id: `b-${p.name}-${p.version ?? "1"}-${p.status}`, version: "1", kind: null, displayName: null, source: "first-run", step: null, percent: null,
    message: null, error: null, requestedBy: null, createdAt: now, startedAt: null, finishedAt: null, updatedAt: now, ...p,
  };
}

describe("preparing view", () => {
  it("lists names the catalog does not offer yet, running first, with progress and failure reasons", () => {
    const catalog = addEntry(
      emptyCatalog(),
      { kind: "runtime", name: "node", version: "24.21.0", os: "linux", arch: "x64", url: "x", sha256: "a".repeat(64), size: 1, bin: [] },
      ["stable"],
    ).catalog;
    const view = preparingView(
      [
        build({ name: "node", version: "22.23.3", status: "running", percent: 40 }),
        build({ name: "code-server", status: "queued" }),
        build({ name: "flying-squid", kind: "game", status: "running", percent: 60, step: "npm install" }),
        build({ name: "java", status: "failed", error: "no JDK" }),
        build({ name: "python", status: "done" }),
      ],
      catalog,
    );
    expect(view.map((i) => [i.label, i.status, i.percent])).toEqual([
      ["Minecraft", "running", 60],
      ["VS Code in the browser", "queued", null],
      ["Java", "failed", null],
    ]);
    expect(view.find((i) => i.name === "java")?.error).toBe("no JDK");
  });

  it("shows one item per name, preferring the build in progress", () => {
    const view = preparingView([build({ name: "java", version: "17", status: "failed", error: "x" }), build({ name: "java", version: "25", status: "queued" })], emptyCatalog());
    expect(view).toHaveLength(1);
    expect(view[0]).toMatchObject({ version: "25", status: "queued", error: null });
  });
});
