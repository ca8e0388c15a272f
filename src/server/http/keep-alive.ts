/**
 * How long the portal keeps an idle HTTP connection open for its next request. nginx pools its
 * connections to the portals (deploy/nginx/zerolaghub.conf) and must drop an idle one before the
 * portal does: otherwise it sends a request on a connection the portal is closing, reads a reset,
 * retries elsewhere and takes that portal out of rotation for ten seconds. Seen in the load bench.
 */
export const PORTAL_KEEP_ALIVE_MS = 5_000;
