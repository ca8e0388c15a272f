/**
 * Where to go after signing in. Only same-site paths are accepted: an absolute or protocol-relative
 * URL in ?callbackUrl= would make the sign-in page an open redirect. The check runs on the path as
 * a browser resolves it (dot segments and %2e removed), so `/.//evil` and `/%2e//evil`, which
 * resolve to `//evil`, are refused too.
 */
export function safeCallbackUrl(value: string | string[] | null | undefined, fallback = "/dashboard"): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  // Control characters and backslashes are either stripped or turned into "/" by browsers.
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, "http://same.site");
  } catch {
    return fallback;
  }
  if (url.origin !== "http://same.site") return fallback;
  const path = url.pathname + url.search + url.hash;
  // A resolved path starting with two slashes is protocol-relative: another host.
  if (path.startsWith("//") || path.startsWith("/\\")) return fallback;
  // Auth pages as a destination would loop back to themselves.
  if (/^\/(signin|signup)(\/|\?|#|$)/.test(path)) return fallback;
  return path;
}

/**
 * next-auth's redirect callback: a same-origin absolute URL or a relative path, reduced to a safe
 * path under `baseUrl`; anything else goes to the dashboard.
 */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  let candidate: string | null = url;
  if (!url.startsWith("/")) {
    try {
      const u = new URL(url);
      candidate = u.origin === base.origin ? u.pathname + u.search + u.hash : null;
    } catch {
      candidate = null;
    }
  }
  // Sign-out and its landing page are legitimate next-auth targets that safeCallbackUrl maps away.
  const path = candidate === "/" ? "/" : safeCallbackUrl(candidate);
  return new URL(path, base).href;
}

/** The sign-in page URL that comes back to `path` afterwards. */
export function signInUrl(path: string): string {
  const back = safeCallbackUrl(path);
  return back === "/dashboard" && path !== "/dashboard" ? "/signin" : `/signin?callbackUrl=${encodeURIComponent(back)}`;
}
