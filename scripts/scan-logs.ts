// Scans every log a run left (the portal's ZLH_LOG_FILE, each container's agent.log, game and
// code-server logs) for credentials: exits 1 with the findings (secrets masked) when any line has one.
//   node --import tsx scripts/scan-logs.ts <folder> [<folder>...]
// Exact secrets of the run (E2E_NEXTAUTH_SECRET, E2E_SECRET_KEY, ...) come from ZLH_SCAN_SECRETS,
// comma-separated, so they are never on a command line.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { scanLogText, type SecretFinding } from "../src/server/log/secret-scan";

const MAX_FILE_BYTES = 256 * 1024 * 1024;
const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error("usage: scan-logs.ts <folder> [<folder>...]");
  process.exit(2);
}
const known = (process.env.ZLH_SCAN_SECRETS ?? "").split(",").filter(Boolean);

function logFiles(dir: string, depth = 0): string[] {
  if (depth > 8) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    // PostgreSQL's own files and the artifact store are data, not logs.
    if (e.isDirectory()) return e.name === "pg" || e.name === "artifacts" || e.name === "node_modules" ? [] : logFiles(p, depth + 1);
    return e.isFile() && /\.log$/.test(e.name) ? [p] : [];
  });
}

const files = roots.flatMap((r) => logFiles(path.resolve(r)));
const findings: SecretFinding[] = [];
let lines = 0;
for (const f of files) {
  if (statSync(f).size > MAX_FILE_BYTES) continue;
  const text = readFileSync(f, "utf8");
  lines += text.split("\n").length;
  findings.push(...scanLogText(path.relative(process.cwd(), f), text, known));
}
for (const x of findings.slice(0, 50)) console.error(`${x.file}:${x.line}: ${x.rule}: …${x.excerpt}…`);
console.log(`scan-logs: ${files.length} log files, ${lines} lines, ${findings.length} credentials found`);
process.exit(findings.length > 0 || files.length === 0 ? 1 : 0);
