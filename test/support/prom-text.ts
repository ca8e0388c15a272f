/**
 * A parser for the Prometheus text exposition format (version 0.0.4), for tests that check metric
 * names, types and labels of a real scrape: families with their HELP and TYPE, and every sample
 * with its labels parsed (quoted values with \\, \" and \n escapes) and its value as a number.
 */
export type PromSample = { name: string; labels: Record<string, string>; value: number };
export type PromFamily = { name: string; type: string; help: string; samples: PromSample[] };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < s.length) {
    const m = LABEL.exec(s);
    if (!m) throw new Error(`bad label set: {${s}}`);
    out[m[1]!] = m[2]!.replace(/\\(.)/g, (_x, c: string) => (c === "n" ? "\n" : c));
  }
  return out;
}

function parseValue(v: string): number {
  if (v === "+Inf") return Infinity;
  if (v === "-Inf") return -Infinity;
  if (v === "NaN") return NaN;
  const n = Number(v);
  if (Number.isNaN(n)) throw new Error(`bad sample value: ${v}`);
  return n;
}

/** The family a sample belongs to: histogram/summary series carry suffixes. */
function familyOf(sample: string, families: Map<string, PromFamily>): PromFamily | undefined {
  if (families.has(sample)) return families.get(sample);
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (sample.endsWith(suffix)) {
      const f = families.get(sample.slice(0, -suffix.length));
      if (f && (f.type === "histogram" || f.type === "summary")) return f;
    }
  }
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: "untyped", help: "", samples: [] }));
    return f;
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith("# HELP ")) {
      const [, name, ...help] = line.split(" ").slice(1);
      family(name!).help = help.join(" ");
    } else if (line.startsWith("# TYPE ")) {
      const [name, type] = line.slice(7).split(" ");
      family(name!).type = type!;
    } else if (line.startsWith("#")) {
      continue;
    } else {
      const m = SAMPLE.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const f = familyOf(m[1]!, families);
      if (!f) throw new Error(`sample ${m[1]} has no # TYPE line`);
      f.samples.push({ name: m[1]!, labels: m[3] ? parseLabels(m[3]) : {}, value: parseValue(m[4]!) });
    }
  }
  return families;
}

/** The label names used by a family's samples (le/quantile excluded). */
export function labelNames(f: PromFamily): string[] {
  const names = new Set<string>();
  for (const s of f.samples) for (const k of Object.keys(s.labels)) if (k !== "le" && k !== "quantile") names.add(k);
  return [...names].sort();
}
