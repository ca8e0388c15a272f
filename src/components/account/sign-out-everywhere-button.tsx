"use client";

import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { Button } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

/** Ends every session of the account (all devices and IDE tabs), then this browser's own. */
export function SignOutEverywhereButton() {
  const trpc = useTRPC();
  const everywhere = useMutation(trpc.account.signOutEverywhere.mutationOptions());
  return (
    <Button
      variant="secondary"
      pending={everywhere.isPending}
      onClick={async () => {
        await everywhere.mutateAsync();
        await signOut({ callbackUrl: "/signin" });
      }}
    >
      Sign out everywhere
    </Button>
  );
}
