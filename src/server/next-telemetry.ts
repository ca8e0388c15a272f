/**
 * Next.js reports anonymous usage to telemetry.nextjs.org unless NEXT_TELEMETRY_DISABLED is set.
 * The portal reaches nothing off the machine but the npm registry and Debian (for artifact builds),
 * so it turns that off before Next starts; `next build` (scripts/next-build.mjs) and the e2e runner
 * set the same variable. Next treats any non-empty value as "off": an operator who wants to send it
 * sets NEXT_TELEMETRY_DISABLED to the empty string.
 */
export function disableNextTelemetry(env: Record<string, string | undefined> = process.env): void {
  env.NEXT_TELEMETRY_DISABLED ??= "1";
}
