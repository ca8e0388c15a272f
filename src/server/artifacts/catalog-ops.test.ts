import { describe, expect, it } from "vitest";
import type { ArtifactEntry, Catalog } from "../../../agent/src/contract/catalog";
import {
  CatalogError,
  addEntry,
  compareVersions,
  currentChannels,
  emptyCatalog,
  promote,
  resolve,
  rollback,
  runtimeOptions,
  storePath,
  validateCatalog,
} from "./catalog-ops";

const sha = (c: string) => c.repeat(64);

function entry(version: string, over: Partial<ArtifactEntry> = {}): ArtifactEntry {
  return {
    kind: "runtime",
    name: "node",
    version,
    os: "linux",
    arch: "x64",
    url: `runtime/node/${version}/node-${version}.tar.gz`,
    sha256: sha("a"),
    size: 100,
    bin: ["bin"],
    ...over,
  };
}

function publishAll(...versions: string[]): Catalog {
  let cat = emptyCatalog();
  for (const v of versions) cat = addEntry(cat, entry(v, { sha256: sha(String(v.length % 10)) }), ["stable"]).catalog;
  return cat;
}

describe("validateCatalog", () => {
  const base = () => ({ schemaVersion: 1, generatedAt: new Date().toISOString(), artifacts: [entry("1.0.0")], channels: {} });

  it("accepts a well-formed catalog", () => {
    expect(validateCatalog(base()).ok).toBe(true);
  });

  it("names the entry and the field when the hash is missing", () => {
    const raw = base();
    delete (raw.artifacts[0] as Partial<ArtifactEntry>).sha256;
    const v = validateCatalog(raw);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.errors).toEqual(["artifacts[0] runtime/node@1.0.0: sha256 is missing"]);
  });

  it("rejects a malformed hash", () => {
    const raw = base();
    raw.artifacts[0]!.sha256 = "ABC";
    const v = validateCatalog(raw);
    expect(!v.ok && v.errors[0]).toMatch(/^artifacts\[0\] runtime\/node@1\.0\.0: sha256: sha256 must be 64 lower-case hex characters/);
  });

  it("says what a bad version looks like and what it got", () => {
    const raw = base();
    raw.artifacts[0]!.version = "22";
    const v = validateCatalog(raw);
    expect(!v.ok && v.errors).toEqual(['artifacts[0] runtime/node@22: version: version must look like 1.2.3 or 1.2.3-beta.1 (got "22")']);
  });

  it("reports duplicate entries", () => {
    const raw = base();
    raw.artifacts.push(entry("1.0.0"));
    const v = validateCatalog(raw);
    expect(!v.ok && v.errors).toEqual(["artifacts[1] runtime/node@1.0.0: duplicate entry runtime/node@1.0.0/x64"]);
  });

  it("reports a channel that points at a version that is not published", () => {
    const raw = { ...base(), channels: { node: { stable: ["1.0.0", "2.0.0"] } } };
    const v = validateCatalog(raw);
    expect(!v.ok && v.errors).toEqual(["channels.node.stable: stable points at node@2.0.0, which is not in the catalog"]);
  });
});

describe("addEntry (publish)", () => {
  it("adds the entry and makes it current on the given channels", () => {
    const { catalog, added } = addEntry(emptyCatalog(), entry("1.0.0"), ["stable", "beta"]);
    expect(added).toBe(true);
    expect(catalog.channels.node).toEqual({ stable: ["1.0.0"], beta: ["1.0.0"] });
  });

  it("is idempotent for the same bytes and leaves channels alone", () => {
    const first = addEntry(emptyCatalog(), entry("1.0.0"), ["stable"]).catalog;
    const withBeta = addEntry(first, entry("1.1.0"), ["beta"]).catalog;
    const again = addEntry(withBeta, entry("1.0.0"), ["stable"]);
    expect(again.added).toBe(false);
    expect(again.catalog).toBe(withBeta);
  });

  it("refuses different bytes under an existing name@version", () => {
    const first = addEntry(emptyCatalog(), entry("1.0.0"), ["stable"]).catalog;
    expect(() => addEntry(first, entry("1.0.0", { sha256: sha("b") }), ["stable"])).toThrow(
      /runtime\/node@1\.0\.0 \(x64\) is already published with sha256 aaaaaaaaaaaa.*publish it as a new version/,
    );
  });

  it("does not move a channel back to an older version (promote does that explicitly)", () => {
    const newer = addEntry(emptyCatalog(), entry("2.0.0"), ["stable"]).catalog;
    const r = addEntry(newer, entry("1.5.0", { sha256: sha("b") }), ["stable", "beta"]);
    expect(r.skippedChannels).toEqual(["stable"]);
    expect(r.catalog.channels.node).toEqual({ stable: ["2.0.0"], beta: ["1.5.0"] });
    expect(resolve(promote(r.catalog, "node", "1.5.0", "stable").catalog, { name: "node" }).version).toBe("1.5.0");
  });

  it("allows the same version for another arch", () => {
    const first = addEntry(emptyCatalog(), entry("1.0.0"), ["stable"]).catalog;
    const r = addEntry(first, entry("1.0.0", { arch: "arm64", sha256: sha("c") }), []);
    expect(r.added).toBe(true);
    expect(resolve(r.catalog, { name: "node" }, "arm64").sha256).toBe(sha("c"));
  });

  it("refuses a name already used by another kind (channels are per name)", () => {
    const first = addEntry(emptyCatalog(), entry("1.0.0"), ["stable"]).catalog;
    expect(() => addEntry(first, entry("2.0.0", { kind: "game" }), [])).toThrow(/already belongs to kind runtime/);
  });

  it("validates the entry with clear messages", () => {
    expect(() => addEntry(emptyCatalog(), entry("1.0"), [])).toThrow(/version must look like 1\.2\.3/);
  });
});

describe("promote, rollback and resolve", () => {
  it("a new install follows stable; promote moves it, rollback moves it back", () => {
    let cat = addEntry(emptyCatalog(), entry("1.0.0"), ["stable"]).catalog;
    cat = addEntry(cat, entry("1.1.0", { sha256: sha("b") }), ["beta"]).catalog;
    expect(resolve(cat, { name: "node" }).version).toBe("1.0.0");
    expect(resolve(cat, { name: "node", channel: "beta" }).version).toBe("1.1.0");

    const promoted = promote(cat, "node", "1.1.0", "stable");
    expect(promoted).toMatchObject({ changed: true, from: "1.0.0", to: "1.1.0" });
    expect(resolve(promoted.catalog, { name: "node" }).version).toBe("1.1.0");
    expect(currentChannels(promoted.catalog, { name: "node", version: "1.1.0" })).toEqual(["beta", "stable"]);

    const rolled = rollback(promoted.catalog, "node", "stable");
    expect(rolled).toMatchObject({ from: "1.1.0", to: "1.0.0" });
    expect(resolve(rolled.catalog, { name: "node" }).version).toBe("1.0.0");
    // A pinned version is unaffected by channels.
    expect(resolve(rolled.catalog, { name: "node", version: "1.1.0" }).version).toBe("1.1.0");
  });

  it("promoting the current version changes nothing", () => {
    const cat = publishAll("1.0.0");
    expect(promote(cat, "node", "1.0.0", "stable").changed).toBe(false);
  });

  it("refuses to promote an unknown version and lists what exists", () => {
    expect(() => promote(publishAll("1.0.0"), "node", "9.9.9", "stable")).toThrow("node@9.9.9 is not in the catalog (published: 1.0.0)");
  });

  it("refuses a rollback with nothing to go back to", () => {
    expect(() => rollback(publishAll("1.0.0"), "node", "stable")).toThrow(/only 1\.0\.0: there is no previous version/);
    expect(() => rollback(publishAll("1.0.0"), "node", "beta")).toThrow("node has no beta channel to roll back");
  });

  it("explains a name without a channel version", () => {
    const cat = addEntry(emptyCatalog(), entry("1.0.0"), []).catalog;
    expect(() => resolve(cat, { name: "node" })).toThrow("node has no stable version (published: 1.0.0); promote one with --to stable");
    expect(() => resolve(cat, { name: "python" })).toThrow(CatalogError);
  });

  it("rolls back repeatedly through the stack", () => {
    let cat = publishAll("1.0.0", "1.1.0", "1.2.0");
    cat = rollback(cat, "node", "stable").catalog;
    cat = rollback(cat, "node", "stable").catalog;
    expect(resolve(cat, { name: "node" }).version).toBe("1.0.0");
  });
});

describe("helpers", () => {
  it("lists runtimes for the dropdown with versions newest first and channel heads", () => {
    let cat = publishAll("22.1.0", "24.1.0");
    cat = addEntry(cat, entry("3.11.2", { name: "python", displayName: "Python 3.11.2", sha256: sha("d") }), ["stable"]).catalog;
    cat = addEntry(cat, entry("1.0.0", { kind: "game", name: "squid", sha256: sha("e") }), ["stable"]).catalog;
    expect(runtimeOptions(cat)).toEqual([
      {
        name: "node",
        versions: [
          { version: "24.1.0", displayName: undefined, channels: ["stable"] },
          { version: "22.1.0", displayName: undefined, channels: [] },
        ],
        stable: "24.1.0",
      },
      { name: "python", versions: [{ version: "3.11.2", displayName: "Python 3.11.2", channels: ["stable"] }], stable: "3.11.2" },
    ]);
  });

  it("orders versions numerically with pre-releases first", () => {
    expect(["1.10.0", "1.2.0", "1.2.0-beta.1", "0.9.9"].sort(compareVersions)).toEqual(["0.9.9", "1.2.0-beta.1", "1.2.0", "1.10.0"]);
  });

  it("refuses unsafe file names in store paths", () => {
    expect(storePath(entry("1.0.0"), "node.tar.gz")).toBe("runtime/node/1.0.0/node.tar.gz");
    expect(() => storePath(entry("1.0.0"), "../x")).toThrow(/unsafe/);
    expect(() => storePath(entry("1.0.0"), ".hidden")).toThrow(/unsafe/);
  });
});
