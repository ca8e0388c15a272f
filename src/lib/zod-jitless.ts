import { z } from "zod";

/**
 * In the browser, zod parses without compiling its parsers with `new Function`. The portal's CSP
 * allows no eval (src/server/http/security-headers.ts): zod's probe for it was refused on every page
 * (a CSP violation report each time) before zod fell back to these same interpreted parsers.
 */
if (typeof window !== "undefined") z.config({ jitless: true });
