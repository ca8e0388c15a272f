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
const online = () => JSON.stringify({ online: bots.filter((b) => b.player).length });
const chat = setInterval(() => {
  bots.forEach((b, i) => i % 5 === Math.floor(Date.now() / 1000) % 5 && b.chat(`load ${Date.now() % 1000}`));
  console.log(online());
}, 1000);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "stop") continue;
  clearInterval(chat);
  console.log(online());
  await Promise.all(bots.map(quitBot));
  process.exit(0);
}
