/**
 * What an audit row may hold. The log is read by operators and kept for a long time, so it must never
 * carry a secret: any field whose name looks like one is replaced, long strings are cut, depth and
 * size are bounded (a caller passing a huge object must not bloat the table).
 */
const SECRET_NAME = /pass(word)?|secret|token|api[-_]?key|private[-_]?key|authorization|cookie|credential|signature|otp|session/i;
const MAX_STRING = 500;
const MAX_KEYS = 40;
const MAX_ITEMS = 40;
const MAX_DEPTH = 4;
const MAX_BYTES = 8_000;
export const REDACTED = "[redacted]";

export type AuditJson = string | number | boolean | null | AuditJson[] | { [key: string]: AuditJson };

function clean(value: unknown, depth: number): AuditJson | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
      return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "object":
      break;
    default:
      return undefined; // functions, symbols, undefined
  }
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return "[nested]";
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ITEMS).map((v) => clean(v, depth + 1) ?? null);
  }
  const out: Record<string, AuditJson> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS)) {
    if (SECRET_NAME.test(k)) {
      out[k] = REDACTED;
      continue;
    }
    const c = clean(v, depth + 1);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** The data object as it will be stored, or null when there is nothing (or nothing safe) to store. */
export function auditData(data: unknown): AuditJson | null {
  if (data === undefined || data === null) return null;
  const c = clean(data, 0);
  if (c === undefined) return null;
  const text = JSON.stringify(c);
  if (text.length > MAX_BYTES) return { truncated: true, preview: text.slice(0, MAX_STRING) };
  return c;
}

/** Action names are dotted lower-case words ("auth.sign_in", "admin.user.suspend"). */
export const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function cutField(value: string | null | undefined, max = 200): string | null {
  if (value === undefined || value === null || value === "") return null;
  return value.length > max ? value.slice(0, max) : value;
}
