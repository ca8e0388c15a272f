"use client";

import { useQuery } from "@tanstack/react-query";
import { z } from "zod";

const answer = z.object({ unisolated: z.boolean(), notice: z.string().nullable() });

/**
 * On every page when the portal runs the unisolated provider (development without root): its
 * containers are not isolated, so nobody should mistake it for a real deployment. Asked at run time
 * (the root layout itself may be rendered at build time).
 */
export function IsolationBanner() {
  const q = useQuery({
    queryKey: ["isolation-mode"],
    queryFn: async () => answer.parse(await (await fetch("/api/isolation", { cache: "no-store" })).json()),
    staleTime: Infinity,
    retry: false,
  });
  if (!q.data?.unisolated) return null;
  return (
    <div role="alert" data-testid="unisolated-banner" className="bg-amber-500/15 px-4 py-2 text-center text-sm text-amber-200 ring-1 ring-amber-500/30">
      {q.data.notice}
    </div>
  );
}
