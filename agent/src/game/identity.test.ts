import { linkSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { handOverTree } from "./identity";

const tmp = mkdtempSync(path.join(os.tmpdir(), "zlh-handover-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const nobody = { name: "nobody", uid: 65534, gid: 65534, groups: [65534], home: "/" };
const isRoot = process.getuid?.() === 0;

describe("handOverTree", () => {
  it(isRoot ? "gives the game its folder; a planted symlink or hard link hands it nothing from elsewhere" : "needs root to change owners", async () => {
    const dir = path.join(tmp, "server");
    mkdirSync(path.join(dir, "plugins"), { recursive: true });
    writeFileSync(path.join(dir, "plugins", "a.js"), "");
    const outside = path.join(tmp, "outside-secret");
    writeFileSync(outside, "secret");
    symlinkSync(outside, path.join(dir, "link"));
    linkSync(outside, path.join(dir, "hard"));
    if (!isRoot) {
      await expect(handOverTree(dir, nobody)).resolves.toMatchObject({ changed: 0 });
      return;
    }
    const r = await handOverTree(dir, nobody);
    expect(statSync(path.join(dir, "plugins", "a.js")).uid).toBe(65534);
    expect(statSync(dir).uid).toBe(65534);
    expect(lstatSync(path.join(dir, "link")).uid).toBe(65534);
    // Neither the symlink's target nor the hard-linked file changed hands.
    expect(statSync(outside).uid).toBe(0);
    expect(r.changed).toBe(4);
  });
});
