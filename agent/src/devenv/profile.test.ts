import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderProfile, shQuote, sourceLine, withSourceLine } from "./profile";

describe("renderProfile", () => {
  const input = { path: "/r/node/current/bin:/usr/bin:/bin", workspace: "/home/dev/workspace", runtimes: [{ name: "node", version: "22.1.0" }] };
  it("exports PATH, the workspace and each runtime's version", () => {
    const p = renderProfile(input);
    expect(p).toContain("export PATH='/r/node/current/bin:/usr/bin:/bin'");
    expect(p).toContain("export ZLH_WORKSPACE='/home/dev/workspace'");
    expect(p).toContain("export ZLH_RUNTIME_NODE='22.1.0'");
  });
  it("is deterministic", () => expect(renderProfile(input)).toBe(renderProfile(structuredClone(input))));
  it("gives the same environment when sourced twice", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "zlh-profile-"));
    try {
      const file = path.join(dir, "p");
      writeFileSync(file, renderProfile(input));
      const once = execFileSync("sh", ["-c", `. ${shQuote(file)}; echo "$PATH|$TERM"`], { env: { TERM: "dumb" } as unknown as NodeJS.ProcessEnv }).toString();
      const twice = execFileSync("sh", ["-c", `. ${shQuote(file)}; . ${shQuote(file)}; echo "$PATH|$TERM"`], { env: { TERM: "dumb" } as unknown as NodeJS.ProcessEnv }).toString();
      expect(once).toBe("/r/node/current/bin:/usr/bin:/bin|xterm-256color\n");
      expect(twice).toBe(once);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("shQuote", () => {
  it("survives single quotes and dollar signs", () => {
    const v = `it's $HOME \`x\``;
    expect(execFileSync("sh", ["-c", `printf %s ${shQuote(v)}`]).toString()).toBe(v);
  });
});

describe("withSourceLine", () => {
  const f = "/home/dev/.zlh_profile";
  it("adds the source line on top of existing content", () => {
    expect(withSourceLine("# debian skel\ncase $- in *i*) ;; *) return;; esac\n", f)).toBe(`${sourceLine(f)}\n# debian skel\ncase $- in *i*) ;; *) return;; esac\n`);
  });
  it("creates a file holding only the line", () => expect(withSourceLine("", f)).toBe(`${sourceLine(f)}\n`));
  it("is idempotent", () => {
    const once = withSourceLine("x\n", f);
    expect(withSourceLine(once, f)).toBe(once);
  });
  it("replaces a line pointing at an old profile path", () => {
    const moved = withSourceLine(withSourceLine("x\n", "/old/.zlh_profile"), f);
    expect(moved).toBe(`${sourceLine(f)}\nx\n`);
  });
});
