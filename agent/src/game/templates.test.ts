import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mergeServerProperties, templateFor } from "./templates";

describe("game templates", () => {
  it("flying-squid: ready line, stop command, plugins folder, launcher from the install dir", async () => {
    const t = templateFor("flying-squid");
    expect(t.readyPattern.test("November 26th 2026, 21:56:51 [INFO]: Server listening on port 34955, version 1.21.4")).toBe(true);
    expect(t.stopCommand).toBe("stop");
    const dir = await mkdtemp(path.join(os.tmpdir(), "zlh-tpl-"));
    try {
      const spec = await t.prepare(dir, { host: "127.0.0.1", port: 25565, memoryMb: 512, motd: "hi", maxPlayers: 5 });
      expect(spec.args).toEqual(["--max-old-space-size=512", path.join(dir, "launcher.mjs"), path.join(dir, "zlh-settings.json")]);
      expect(JSON.parse(await readFile(path.join(dir, "zlh-settings.json"), "utf8"))).toEqual({ host: "127.0.0.1", port: 25565, motd: "hi", maxPlayers: 5 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("paper: java -Xmx -jar server.jar nogui, ready on Done (, server.properties merged", async () => {
    const t = templateFor("paper");
    expect(t.readyPattern.test('[12:00:09 INFO]: Done (7.812s)! For help, type "help"')).toBe(true);
    expect(t.readyPattern.test("[12:00:09 INFO]: Done preparing level")).toBe(false);
    expect(t.modsFolder).toBe("plugins");
    expect(templateFor("fabric").modsFolder).toBe("mods");
    expect(templateFor("vanilla").modsFolder).toBeNull();
    const dir = await mkdtemp(path.join(os.tmpdir(), "zlh-tpl-"));
    try {
      await writeFile(path.join(dir, "server.properties"), "#Minecraft server properties\nview-distance=8\nserver-port=25565\n");
      const spec = await t.prepare(dir, { host: "0.0.0.0", port: 25570, memoryMb: 2048, motd: "Ünïcode\nline", maxPlayers: 40 });
      expect(spec).toEqual({ command: "java", args: ["-Xms512M", "-Xmx2048M", "-jar", "server.jar", "nogui"] });
      const props = await readFile(path.join(dir, "server.properties"), "utf8");
      expect(props).toBe("#Minecraft server properties\nview-distance=8\nserver-port=25570\nserver-ip=\nmotd=\\u00dcn\\u00efcode\\nline\nmax-players=40\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("merges properties without touching comments or other keys", () => {
    expect(mergeServerProperties("# c\na=1\nb=2\n", { b: "3", c: "4" })).toBe("# c\na=1\nb=3\nc=4\n");
  });

  it("refuses an unknown template", () => {
    expect(() => templateFor("nope")).toThrow(/unknown game template/);
  });
});
