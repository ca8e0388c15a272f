import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { newestChange } from "./newest-change";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("newestChange", () => {
  it("finds the newest mtime in the tree but ignores node_modules churn", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "zlh-activity-"));
    dirs.push(root);
    await mkdir(path.join(root, "src/deep"), { recursive: true });
    await mkdir(path.join(root, "node_modules/pkg"), { recursive: true });
    const old = new Date("2026-01-01T00:00:00Z");
    const edit = new Date("2026-06-01T12:00:00Z");
    await writeFile(path.join(root, "src/deep/a.ts"), "x");
    await writeFile(path.join(root, "node_modules/pkg/index.js"), "y");
    for (const p of ["src", "src/deep", "node_modules", "."]) await utimes(path.join(root, p), old, old);
    await utimes(path.join(root, "node_modules/pkg"), old, old);
    await utimes(path.join(root, "node_modules/pkg/index.js"), new Date(), new Date());
    await utimes(path.join(root, "src/deep/a.ts"), edit, edit);
    expect((await newestChange(root))?.toISOString()).toBe(edit.toISOString());
  });
  it("is null for a missing or empty folder", async () => {
    expect(await newestChange("/nonexistent/zlh")).toBeNull();
  });
});
