// ZeroLagHub launcher for flying-squid (packed into the game artifact beside node_modules/).
// Reads the settings the agent writes (zlh-settings.json), loads plugins from ./plugins, and starts
// the server with createMCServer. flying-squid itself reads console lines from stdin and prints the
// ready line "Server listening on port N". `stop`, `/stop`, `restart` and `/restart` exit 0; the
// agent decides whether to start it again.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { keepLateChunksQueued } from "./save-queue.mjs";

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const settingsFile = process.argv[2] ?? path.join(here, "zlh-settings.json");
const s = JSON.parse(readFileSync(settingsFile, "utf8"));

const pluginsDir = path.join(here, "plugins");
const plugins = {};
if (existsSync(pluginsDir)) {
  for (const f of readdirSync(pluginsDir).sort()) {
    if (!/\.c?js$/.test(f)) continue;
    const file = path.join(pluginsDir, f);
    try {
      require(file);
    } catch (err) {
      console.error(`[zlh-launcher] plugin ${f} failed to load: ${err && err.stack ? err.stack : err}`);
      process.exit(1);
    }
    plugins[file] = {};
  }
}

// Patched on the copy of prismarine-world that flying-squid's worlds are made from (see save-queue.mjs).
keepLateChunksQueued(createRequire(require.resolve("flying-squid"))("prismarine-world")());

const { createMCServer } = require("flying-squid");
const serv = createMCServer({
  host: s.host ?? "0.0.0.0",
  port: s.port,
  motd: s.motd ?? "A ZeroLagHub server",
  "max-players": s.maxPlayers ?? 20,
  "online-mode": false,
  version: s.version ?? "1.21.4",
  logging: false,
  gameMode: 1,
  difficulty: 1,
  worldFolder: path.join(here, "world"),
  generation: { name: "diamond_square", options: { worldHeight: 80 } },
  // Generous keep-alive: a player on a slow link (or a busy host) is not kicked after 10 s.
  kickTimeout: 30000,
  plugins,
  modpe: false,
  "view-distance": s.viewDistance ?? 6,
  "player-list-text": { header: { text: "ZeroLagHub" }, footer: { text: s.motd ?? "" } },
  "everybody-op": false,
  "max-entities": 100,
});

// flying-squid prints its ready line when the socket listens, which can be seconds before the world
// and plugins are loaded (a saved world on a busy machine). Hold the line until plugins are ready, so
// the agent's `running` means players can join.
const info = serv.info;
let readyLine = null;
serv.info = (message) => {
  if (!serv.pluginsReady && /^Server listening on port/.test(String(message))) {
    readyLine = message;
    return;
  }
  info(message);
};
serv.once("pluginsReady", () => {
  if (readyLine) info(readyLine);
  readyLine = null;
});
// flying-squid's own 5 s readiness timeout rejects unhandled on a slow start; like its app.js,
// report and carry on instead of dying with a half-loaded world.
process.on("unhandledRejection", (err) => console.log(`[zlh-launcher] unhandled rejection: ${err && err.stack ? err.stack : err}`));

// Console commands may carry the in-game slash; flying-squid's own parser does not expect it.
const handle = serv.handleCommand.bind(serv);
serv.handleCommand = (line) => handle(String(line).trim().replace(/^\//, ""));
serv.commands.add({
  base: "restart",
  info: "Stop the server; the ZeroLagHub agent starts it again",
  usage: "/restart",
  op: true,
  async action() {
    await serv.quit("Server restarting");
    process.exit(0);
  },
});

// Backups (the agent's save-off / save-all / save-on, as on a Java server). flying-squid saves the
// overworld through prismarine-world's periodic save (every second, only changed chunks) and has
// no console commands for it; these pause it, flush every pending chunk and player, and resume it.
const savingWorlds = () => [serv.overworld, serv.netherworld].filter((w) => w && w.storageProvider);
serv.commands.add({
  base: "save-off",
  info: "Pause automatic world saving (backups)",
  usage: "/save-off",
  op: true,
  action() {
    for (const w of savingWorlds()) w.stopSaving();
    return "Automatic saving is now disabled";
  },
});
serv.commands.add({
  base: "save-all",
  info: "Write every changed chunk and player to disk now",
  usage: "/save-all",
  op: true,
  async action() {
    await Promise.all(serv.players.map((p) => p.save()));
    for (const w of savingWorlds()) {
      // A periodic save may be writing the same region files: let it finish before flushing.
      while (w.currentlySaving) await new Promise((r) => setTimeout(r, 20));
      await w.saveNow();
      await w.finishedSaving;
    }
    return "Saved the game";
  },
});
serv.commands.add({
  base: "save-on",
  info: "Resume automatic world saving",
  usage: "/save-on",
  op: true,
  action() {
    for (const w of savingWorlds()) {
      w.stopSaving();
      w.startSaving();
    }
    return "Automatic saving is now enabled";
  },
});
