/**
 * What never reaches a log line: credentials in structured fields (pino redact paths) and secrets in
 * URLs (IDE sign-in tokens, reset links, signed parameters), which are logged as `url`/`path`.
 */
const SECRET_KEYS = ["password", "newPassword", "currentPassword", "token", "accessToken", "refreshToken", "secret", "apiKey", "agentToken", "agentTokenEnc", "authorization", "cookie", "set-cookie", "stripe-signature"];

export const REDACT_PATHS: string[] = [
  ...SECRET_KEYS.flatMap((k) => [`["${k}"]`, `*["${k}"]`]),
  'req.headers["authorization"]',
  'req.headers["cookie"]',
  'headers["authorization"]',
  'headers["cookie"]',
  '*.headers["authorization"]',
  '*.headers["cookie"]',
  'res.headers["set-cookie"]',
];

/** Query parameters whose values are credentials (case-insensitive, substring). */
const SECRET_PARAM = /token|secret|password|passwd|code|key|sig|auth|session|ticket|jwt/i;

/** The URL with the values of credential-like query parameters replaced; anything unparsable is cut to its path. */
export function scrubUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const base = url.slice(0, q);
  const hashAt = url.indexOf("#", q);
  const query = url.slice(q + 1, hashAt < 0 ? undefined : hashAt);
  const parts = query.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      return "[redacted]";
    }
    return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=[redacted]` : pair;
  });
  return `${base}?${parts.join("&")}`;
}

const URL_FIELDS = ["url", "path", "href", "location", "referer", "referrer", "originalUrl"];

/** pino formatters.log: scrubs URL-carrying fields of a log object (top level, as we log them). */
export function scrubLogObject(obj: Record<string, unknown>): Record<string, unknown> {
  let out = obj;
  for (const k of URL_FIELDS) {
    const v = obj[k];
    if (typeof v === "string" && v.includes("?")) {
      if (out === obj) out = { ...obj };
      out[k] = scrubUrl(v);
    }
  }
  return out;
}
