"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "~/components/ui";

/** Signs out (next-auth clears the session cookie) and lands on the home page. */
export function SignOutButton({ variant = "ghost", size = "sm", className }: { variant?: ButtonVariant; size?: ButtonSize; className?: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant={variant}
      size={size}
      className={className}
      pending={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/" });
      }}
    >
      Sign out
    </Button>
  );
}
