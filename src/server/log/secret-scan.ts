/**
 * Finds credentials in log text: the shapes no log line may carry (bearer tokens, JWTs, session
 * cookies with values, credential query parameters, password/token fields that escaped redaction,
 * the e2e suite's passwords) and any exact secret the caller knows (the run's own keys). Pure;
 * scripts/scan-logs.ts runs it over a whole e2e run's logs.
 */
export type SecretFinding = { file: string; line: number; rule: string; excerpt: string };

const RULES: { rule: string; re: RegExp }[] = [
  { rule: "bearer token", re: /Bearer\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/ },
  { rule: "JWT", re: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./ },
  { rule: "session cookie", re: /(?:next-auth\.session-token|next-auth\.csrf-token|zlh_ide)=(?!\[redacted\])[^;\s"',]{8,}/ },
  { rule: "credential in URL", re: /[?&](?:token|access_token|ticket|code|password|secret)=(?!\[redacted\])[^&\s"'#]{6,}/i },
  { rule: "credential field", re: /"(?:password|newPassword|currentPassword|token|agentToken|secret|cookie|authorization|apiKey)"\s*:\s*"(?!(?:Bearer )?\[redacted\])[^"]{4,}"/ },
  // The e2e suite's passwords (e2e/support/auth.ts): pw-<uuid>.
  { rule: "e2e password", re: /pw-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/ },
];

const excerpt = (line: string, at: number) => line.slice(Math.max(0, at - 40), at + 20).replace(/[A-Za-z0-9]{6}(?=[A-Za-z0-9]{4})/g, (s) => s.slice(0, 2) + "****");

export function scanLogText(file: string, text: string, knownSecrets: string[] = []): SecretFinding[] {
  const secrets = knownSecrets.filter((s) => s.length >= 8);
  const out: SecretFinding[] = [];
  text.split("\n").forEach((line, i) => {
    for (const { rule, re } of RULES) {
      const m = re.exec(line);
      if (m) out.push({ file, line: i + 1, rule, excerpt: excerpt(line, m.index) });
    }
    for (const s of secrets) {
      const at = line.indexOf(s);
      if (at >= 0) out.push({ file, line: i + 1, rule: "known secret", excerpt: excerpt(line, at) });
    }
  });
  return out;
}
