/**
 * Who answers a WebSocket upgrade. In development Next's hot-reload socket (`/_next/hmr`, older
 * releases `/_next/webpack-hmr`) is Next's own; every other upgrade goes to our routes, and one that
 * no route takes is closed at once: in production nothing under `/_next/` upgrades at all, and a
 * socket left open is a free idle connection for whoever asked.
 */
const NEXT_HMR_PATHS = new Set(["/_next/hmr", "/_next/webpack-hmr"]);

export function upgradeOwner(url: string | undefined, dev: boolean): "next" | "routes" {
  if (!dev || !url) return "routes";
  const q = url.indexOf("?");
  return NEXT_HMR_PATHS.has(q === -1 ? url : url.slice(0, q)) ? "next" : "routes";
}
