import { createInterface } from "node:readline";
import type { Bot } from "mineflayer";
import { joinBot, quitBot } from "../agent/src/game/harness";

/**
 * The load bench's players, in their own process: mineflayer's packet parsing and physics ticks
 * would otherwise share the event loop that times the dashboard API calls and add their stalls to
 * its latencies. Joins BOTS bots on 127.0.0.1:PORT, a fifth of them chatting each second; prints
 * one JSON line when all have tried to join, then every second how many are online; on "stop"
 * from stdin, a last count, then quits them.
 */
const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const bots: Bot[] = [];
let failed = 0;
await Promise.all(
  Array.from({ length: count }, (_, i) =>
    new Promise((r) => setTimeout(r, i * 100))
      .then(() => joinBot(port, `load${i}`, 180_000))
      .then((b) => void bots.push(b), () => void failed++),
  ),
);
console.log(JSON.stringify({ joined: bots.length, failed }));
// Online is connected: a bot counts until its connection ends (mineflayer's bot.player can stay
// unset for the last joiner, which counted a connected, chatting bot as dropped). Why a bot left
// goes to stderr (the bench's log); a drop counts as an error.
const gone = new Set<Bot>();
let stopping = false;
for (const b of bots) {
  b.on("kicked", (reason) => console.error(`bot ${b.username} kicked: ${JSON.stringify(reason).slice(0, 200)}`));
  b.on("end", (reason) => {
    gone.add(b);
    if (!stopping) console.error(`bot ${b.username} disconnected: ${reason}`);
  });
}
const online = () => JSON.stringify({ online: bots.length - gone.size });
const chat = setInterval(() => {
  bots.forEach((b, i) => i % 5 === Math.floor(Date.now() / 1000) % 5 && b.chat(`load ${Date.now() % 1000}`));
  console.log(online());
}, 1000);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "stop") continue;
  clearInterval(chat);
  console.log(online());
  stopping = true;
  await Promise.all(bots.map(quitBot));
  process.exit(0);
}
