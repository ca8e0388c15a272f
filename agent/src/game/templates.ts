import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../fs/atomic";

/**
 * Game templates: how a game artifact is launched, when it is ready, how it is stopped and where
 * its mods live. A game artifact names its template in the catalog (`template`).
 */
export type GameSettings = {
  host: string;
  port: number;
  memoryMb: number;
  motd: string;
  maxPlayers: number;
};

export type LaunchSpec = { command: string; args: string[]; env?: Record<string, string> };

export type BackupSpec = {
  /** Console lines: pause automatic saving, flush everything to disk, resume saving. */
  saveOff: string;
  saveAll: string;
  saveOn: string;
  /** Printed once the flush has finished. */
  savedPattern: RegExp;
  /** Console line that tells the players something (the message is appended). */
  say: string;
  /** Top-level names in the install folder that come from the game artifact (not backed up, kept on restore). */
  excludes: string[];
};

export type GameTemplate = {
  id: string;
  /** Matched against each output line (ANSI stripped): the server accepts players. */
  readyPattern: RegExp;
  /** Written to stdin for a graceful stop. */
  stopCommand: string;
  /** Console lines that stop or restart the server on purpose (not crashes). */
  consoleStopCommands: string[];
  consoleRestartCommands: string[];
  /** Mods/plugins folder relative to the install dir; null when the game takes none. */
  modsFolder: string | null;
  modExtensions: string[];
  /** A string the game process's /proc/<pid>/cmdline contains (reattach check). */
  cmdlineMarker: string;
  /** How a backup makes the world consistent while the game keeps running, and what it leaves out. */
  backup: BackupSpec;
  /** Writes the game's own settings files and returns the command line to run in `installDir`. */
  prepare(installDir: string, settings: GameSettings): Promise<LaunchSpec>;
};

const flyingSquid: GameTemplate = {
  id: "flying-squid",
  readyPattern: /Server listening on port \d+/,
  stopCommand: "stop",
  consoleStopCommands: ["stop", "/stop"],
  consoleRestartCommands: ["restart", "/restart"],
  modsFolder: "plugins",
  modExtensions: [".js", ".cjs"],
  cmdlineMarker: "launcher.mjs",
  // The launcher adds save-off/save-all/save-on (flying-squid has none): they stop, flush and
  // restart prismarine-world's periodic chunk saving.
  backup: { saveOff: "save-off", saveAll: "save-all", saveOn: "save-on", savedPattern: /Saved the game/, say: "say", excludes: ["node_modules", "launcher.mjs", "save-queue.mjs", "package.json", "package-lock.json", ".zlh-installed", "logs"] },
  async prepare(installDir, s) {
    const settingsFile = path.join(installDir, "zlh-settings.json");
    await writeFileAtomic(
      settingsFile,
      JSON.stringify({ host: s.host, port: s.port, motd: s.motd, maxPlayers: s.maxPlayers }, null, 2),
    );
    // The game runs on the machine's Node (the agent's own); the heap cap is the memory setting.
    return { command: process.execPath, args: [`--max-old-space-size=${s.memoryMb}`, path.join(installDir, "launcher.mjs"), settingsFile] };
  },
};

/** Sets keys in a Java `server.properties`, keeping every other line as it was. */
export function mergeServerProperties(existing: string, values: Record<string, string>): string {
  const lines = existing.split("\n").filter((l, i, all) => !(i === all.length - 1 && l === ""));
  const left = new Map(Object.entries(values));
  const out = lines.map((line) => {
    const m = /^([^#=\s][^=]*)=/.exec(line);
    if (!m) return line;
    const key = m[1]!.trim();
    if (!left.has(key)) return line;
    const v = left.get(key)!;
    left.delete(key);
    return `${key}=${v}`;
  });
  for (const [k, v] of left) out.push(`${k}=${v}`);
  return out.join("\n") + "\n";
}

/** Escapes a value for a Java properties file (the motd may carry any text). */
function propertyValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function javaTemplate(id: string, modsFolder: string | null): GameTemplate {
  return {
    id,
    readyPattern: /Done \(\d+(\.\d+)?s\)!/,
    stopCommand: "stop",
    consoleStopCommands: ["stop", "/stop"],
    consoleRestartCommands: ["restart", "/restart"],
    modsFolder,
    modExtensions: [".jar"],
    cmdlineMarker: "server.jar",
    backup: { saveOff: "save-off", saveAll: "save-all flush", saveOn: "save-on", savedPattern: /Saved the game/, say: "say", excludes: ["server.jar", "libraries", "versions", "jre", "cache", "logs"] },
    async prepare(installDir, s) {
      const propsFile = path.join(installDir, "server.properties");
      const existing = existsSync(propsFile) ? await readFile(propsFile, "utf8") : "";
      await writeFileAtomic(
        propsFile,
        mergeServerProperties(existing, {
          "server-port": String(s.port),
          "server-ip": s.host === "0.0.0.0" ? "" : s.host,
          motd: propertyValue(s.motd),
          "max-players": String(s.maxPlayers),
        }),
      );
      // A JRE shipped inside the artifact wins over the machine's java.
      const bundled = path.join(installDir, "jre", "bin", "java");
      const java = existsSync(bundled) ? bundled : "java";
      const xms = Math.min(s.memoryMb, 512);
      return { command: java, args: [`-Xms${xms}M`, `-Xmx${s.memoryMb}M`, "-jar", "server.jar", "nogui"] };
    },
  };
}

export const templates: Record<string, GameTemplate> = {
  "flying-squid": flyingSquid,
  paper: javaTemplate("paper", "plugins"),
  fabric: javaTemplate("fabric", "mods"),
  forge: javaTemplate("forge", "mods"),
  vanilla: javaTemplate("vanilla", null),
};

export function templateFor(id: string): GameTemplate {
  const t = templates[id];
  if (!t) throw new Error(`unknown game template "${id}"`);
  return t;
}
