import pg from "pg";

/**
 * The load bench's database probe, in its own process: `SELECT 1` every 20 ms on one connection,
 * printing each second's slowest answer and this process's own latest timer wake-up as a JSON line
 * {"sec":<epoch s>,"queryMs":..,"lateMs":..}. A slow second in both portals at once is then placed
 * in PostgreSQL (slow queries here too) or in the machine (this process woke late as well).
 * Usage: tsx bench/_load-dbprobe.ts <database url>
 */
const client = new pg.Client({ connectionString: process.argv[2] });
await client.connect();
const EVERY_MS = 20;
let sec = Math.floor(Date.now() / 1000);
let queryMs = 0;
let lateMs = 0;
let due = performance.now() + EVERY_MS;
process.stdin.on("end", () => process.exit(0)).resume();
for (;;) {
  await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  lateMs = Math.max(lateMs, performance.now() - due);
  const t0 = performance.now();
  await client.query("SELECT 1");
  queryMs = Math.max(queryMs, performance.now() - t0);
  due = performance.now() + EVERY_MS;
  const now = Math.floor(Date.now() / 1000);
  if (now !== sec) {
    process.stdout.write(`${JSON.stringify({ sec, queryMs: Math.round(queryMs * 10) / 10, lateMs: Math.round(lateMs * 10) / 10 })}\n`);
    sec = now;
    queryMs = 0;
    lateMs = 0;
  }
}
