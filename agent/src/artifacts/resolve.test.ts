import { describe, expect, it } from "vitest";
import type { ArtifactEntry, Catalog } from "../contract/catalog";
import { HttpError } from "../http/errors";
import { absoluteArtifactUrl, resolveEntry } from "./resolve";

const entry = (name: string, version: string, over: Partial<ArtifactEntry> = {}): ArtifactEntry => ({
  kind: "runtime", name, version, os: "linux", arch: "x64", url: `runtime/${name}/${version}/a.tar.gz`, sha256: "a".repeat(64), size: 10, bin: ["bin"], ...over,
});
const catalog: Catalog = {
  schemaVersion: 1,
  generatedAt: "2026-01-01T00:00:00Z",
  artifacts: [entry("node", "20.1.0"), entry("node", "22.1.0"), entry("node", "23.0.0-beta.1"), entry("python", "3.12.0", { arch: "any" }), entry("go", "1.22.0", { arch: "arm64" }), entry("paper", "1.21.0", { kind: "game" })],
  channels: { node: { stable: ["20.1.0", "22.1.0"], beta: ["23.0.0-beta.1"] }, python: { stable: ["3.12.0"] } },
};

const err = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as HttpError;
  }
  throw new Error("expected an error");
};

describe("resolveEntry", () => {
  it("follows stable by default (the newest on the stack)", () => expect(resolveEntry(catalog, { name: "node" }, "runtime", "x64").version).toBe("22.1.0"));
  it("follows another channel", () => expect(resolveEntry(catalog, { name: "node", channel: "beta" }, "runtime", "x64").version).toBe("23.0.0-beta.1"));
  it("lets a pinned version win over the channel", () => expect(resolveEntry(catalog, { name: "node", version: "20.1.0", channel: "beta" }, "runtime", "x64").version).toBe("20.1.0"));
  it("accepts arch any", () => expect(resolveEntry(catalog, { name: "python" }, "runtime", "x64").version).toBe("3.12.0"));
  it("refuses an unknown name with the list of what exists", () => {
    const e = err(() => resolveEntry(catalog, { name: "ruby" }, "runtime", "x64"));
    expect(e.status).toBe(400);
    expect(e.message).toBe('unknown runtime "ruby"; available: node (20.1.0, 22.1.0, 23.0.0-beta.1), python (3.12.0)');
  });
  it("refuses an unknown version with the versions that exist", () => {
    const e = err(() => resolveEntry(catalog, { name: "node", version: "9.9.9" }, "runtime", "x64"));
    expect(e.status).toBe(400);
    expect(e.message).toContain("available: node (20.1.0, 22.1.0, 23.0.0-beta.1)");
  });
  it("does not offer another arch or kind", () => {
    expect(err(() => resolveEntry(catalog, { name: "go" }, "runtime", "x64")).status).toBe(400);
    expect(err(() => resolveEntry(catalog, { name: "paper" }, "runtime", "x64")).status).toBe(400);
  });
  it("refuses a channel with no version", () => expect(err(() => resolveEntry(catalog, { name: "python", channel: "beta" }, "runtime", "x64")).message).toContain("no beta version"));
});

describe("absoluteArtifactUrl", () => {
  it("resolves relative to the catalog", () => expect(absoluteArtifactUrl("runtime/a.tar.gz", "http://h:1/artifacts/catalog.json")).toBe("http://h:1/artifacts/runtime/a.tar.gz"));
  it("keeps absolute https URLs", () => expect(absoluteArtifactUrl("https://r2.example/a.tgz", "http://h/catalog.json")).toBe("https://r2.example/a.tgz"));
  it("refuses other schemes", () => expect(err(() => absoluteArtifactUrl("file:///etc/passwd", "http://h/catalog.json")).status).toBe(502));
});
