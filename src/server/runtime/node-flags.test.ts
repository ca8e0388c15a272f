import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { missingNodeFlags, PORTAL_NODE_FLAGS } from "./node-flags";

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), "utf8");

describe("the portal's V8 flags", () => {
  it("npm start and the systemd unit run node with every one of them", () => {
    const start = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts.start!;
    const execStart = /^ExecStart=(.*)$/m.exec(read("deploy/systemd/zerolaghub-portal@.service"))?.[1] ?? "";
    for (const command of [start, execStart]) {
      expect(command).toMatch(/\bnode\b.*--import tsx server\.ts/);
      for (const flag of PORTAL_NODE_FLAGS) expect(command.split(/\s+/)).toContain(flag);
    }
  });

  it("names the ones a process was started without", () => {
    expect(missingNodeFlags(["--import", "tsx"])).toEqual([...PORTAL_NODE_FLAGS]);
    expect(missingNodeFlags([...PORTAL_NODE_FLAGS, "--import", "tsx"])).toEqual([]);
  });
});
