/**
 * Where to go after signing in. Only same-site paths are accepted: an absolute or protocol-relative
 * URL in ?callbackUrl= would make the sign-in page an open redirect.
 */
export function safeCallbackUrl(value: string | string[] | null | undefined, fallback = "/dashboard"): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  // Auth pages as a destination would loop back to themselves.
  if (/^\/(signin|signup)(\/|\?|$)/.test(raw)) return fallback;
  try {
    const url = new URL(raw, "http://same.site");
    if (url.origin !== "http://same.site") return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}

/** The sign-in page URL that comes back to `path` afterwards. */
export function signInUrl(path: string): string {
  const back = safeCallbackUrl(path);
  return back === "/dashboard" && path !== "/dashboard" ? "/signin" : `/signin?callbackUrl=${encodeURIComponent(back)}`;
}
