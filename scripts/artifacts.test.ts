import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCatalogSignature } from "../agent/src/contract/catalog-signature";
import { resolve } from "../src/server/artifacts/catalog-ops";
import { readCatalog } from "../src/server/artifacts/store";

/** `npm run artifacts -- ...` end to end: the real CLI in a child process on a temp data folder. */
let tmp: string;
let dataDir: string;

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/artifacts.ts", ...args], {
      cwd: path.resolve(import.meta.dirname, ".."),
      env: { ...cleanEnv, ZLH_DATA_DIR: dataDir, ZLH_CACHE_DIR: path.join(tmp, "cache") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", rej);
    child.on("close", (code) => res({ code: code ?? -1, stdout, stderr }));
  });
}

function tarball(name: string, content: string): string {
  const f = path.join(tmp, name);
  writeFileSync(f, content);
  return f;
}

const { ZLH_ARTIFACTS_SIGNING_KEY: _k, ZLH_ARTIFACTS_PUBLIC_KEY: _p, ZLH_ARTIFACTS_URL: _u, ...cleanEnv } = process.env;

const current = () => resolve(readCatalog(path.join(dataDir, "artifacts")), { name: "demo" }).version;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "zlh-cli-test-"));
  dataDir = path.join(tmp, "data");
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

// Each CLI run is a fresh tsx process (a few seconds on a loaded 2-core machine).
describe("npm run artifacts", { timeout: 180_000 }, () => {
  it("lists an empty (even absent) store and exits 0", async () => {
    const r = await cli("list");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("schemaVersion 1");
    expect(r.stdout).toContain("0 artifacts");
    expect(r.stdout).toMatch(/^KIND\s+NAME\s+VERSION\s+ARCH\s+SIZE\s+CHANNELS/m);
  });

  it("publish -> list -> promote -> rollback -> verify", async () => {
    const common = ["--kind", "runtime", "--name", "demo", "--bin", "bin", "--verify-command", "bin/demo", "--verify-expect", "^demo"];
    let r = await cli("publish", tarball("demo-1.0.0.tar.gz", "version one"), "--version", "1.0.0", ...common);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/published runtime\/demo@1\.0\.0 \(x64\) .* -> stable/);

    r = await cli("publish", tarball("demo-1.0.0.tar.gz", "version one"), "--version", "1.0.0", ...common);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("already published with these bytes: nothing changed");

    r = await cli("publish", tarball("demo-1.0.0.tar.gz", "version ONE"), "--version", "1.0.0", ...common);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is already published with sha256");

    r = await cli("publish", tarball("demo-1.1.0.tar.gz", "version two"), "--version", "1.1.0", "--channel", "beta", ...common);
    expect(r.code, r.stderr).toBe(0);
    expect(current()).toBe("1.0.0");

    r = await cli("list");
    expect(r.stdout).toContain("2 artifacts, signature valid");
    expect(r.stdout).toMatch(/runtime\s+demo\s+1\.1\.0\s+x64\s+0\.0 MB\s+beta\s/);
    expect(r.stdout).toMatch(/runtime\s+demo\s+1\.0\.0\s+x64\s+0\.0 MB\s+stable\s/);

    r = await cli("promote", "demo@1.1.0", "--to", "stable");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("demo stable: 1.0.0 -> 1.1.0\n");
    expect(current()).toBe("1.1.0");

    r = await cli("rollback", "demo");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("demo stable: 1.1.0 -> 1.0.0 (rolled back)\n");
    expect(current()).toBe("1.0.0");

    r = await cli("rollback", "demo");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no previous version to roll back to");

    r = await cli("verify");
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain("verified 2 artifact(s): all match");

    // The catalog the CLI leaves behind is signed with the key agents are given.
    const key = (await cli("public-key")).stdout.trim();
    const store = path.join(dataDir, "artifacts");
    expect(verifyCatalogSignature(readFileSync(path.join(store, "catalog.json")), readFileSync(path.join(store, "catalog.json.sig"), "utf8"), key)).toBe(
      true,
    );
  });

  it("verify finds a corrupted file and exits 1", async () => {
    const file = path.join(dataDir, "artifacts", "runtime", "demo", "1.1.0", "demo-1.1.0.tar.gz");
    writeFileSync(file, "version tw0");
    const r = await cli("verify");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/MISMATCH\s+runtime\/demo@1\.1\.0 \(x64\): expected sha256/);
    expect(r.stdout).toContain("verify FAILED: 1 artifact problem(s)");
    writeFileSync(file, "version two");
  });

  it("verify refuses a tampered catalog by its signature", async () => {
    const catFile = path.join(dataDir, "artifacts", "catalog.json");
    const original = readFileSync(catFile, "utf8");
    writeFileSync(catFile, original.replace('"stable": [\n        "1.0.0"\n      ]', '"stable": [\n        "1.1.0"\n      ]'));
    expect(readFileSync(catFile, "utf8")).not.toBe(original);
    const r = await cli("verify");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("signature catalog.json does not match catalog.json.sig");
    writeFileSync(catFile, original);
  });

  it("explains bad input", async () => {
    let r = await cli("promote", "demo@1.0", "--to", "stable");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("version must look like 1.2.3");
    r = await cli("promote", "demo@9.9.9", "--to", "stable");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("demo@9.9.9 is not in the catalog (published: 1.0.0, 1.1.0)");
    r = await cli("publish", tarball("x.tar.gz", "x"), "--kind", "runtime", "--name", "x");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("publish needs --kind, --name and --version");
    r = await cli("build", "no-such-builder");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no builder named no-such-builder");
  });
});
