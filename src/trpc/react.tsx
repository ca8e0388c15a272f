"use client";

// First: zod's settings must be in place before any client code parses (see the module).
import "~/lib/zod-jitless";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchStreamLink, loggerLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "~/server/api/root";
import { TRPC_MAX_BATCH } from "./limits";
import { createQueryClient } from "./query-client";

/**
 * Client side of tRPC: `useTRPC()` gives typed query/mutation options for TanStack Query, e.g.
 *   const trpc = useTRPC();
 *   const me = useQuery(trpc.account.me.queryOptions());
 *   const save = useMutation(trpc.account.changePassword.mutationOptions());
 */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;
function getQueryClient(): QueryClient {
  // Server render: a fresh client per request. Browser: keep one, so suspense does not lose it.
  if (typeof window === "undefined") return createQueryClient();
  return (browserQueryClient ??= createQueryClient());
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        loggerLink({
          enabled: (op) => process.env.NODE_ENV === "development" || (op.direction === "down" && op.result instanceof Error),
        }),
        httpBatchStreamLink({
          transformer: superjson,
          url: "/api/trpc",
          maxItems: TRPC_MAX_BATCH,
          headers: () => ({ "x-trpc-source": "nextjs-react" }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
