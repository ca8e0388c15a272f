import { isUnisolated, UNISOLATED_NOTICE } from "~/server/isolation/mode";

export const dynamic = "force-dynamic";

/** Whether this portal isolates its tenants (public: every page's banner asks, signed in or not). */
export function GET() {
  const unisolated = isUnisolated();
  return Response.json({ unisolated, notice: unisolated ? UNISOLATED_NOTICE : null }, { headers: { "cache-control": "no-store" } });
}
