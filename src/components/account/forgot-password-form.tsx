"use client";

import Link from "next/link";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Button, Field } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { emailSchema } from "~/server/account/account.types";
import { useTRPC } from "~/trpc/react";

/** Asks for a reset link. The answer is the same whether the address has an account or not. */
export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const request = useMutation(trpc.accountEmail.forgotPassword.mutationOptions());
  const [error, setError] = useState<{ email?: string; form?: string }>({});
  const [done, setDone] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (request.isPending) return;
    const parsed = emailSchema.safeParse(new FormData(e.currentTarget).get("email"));
    if (!parsed.success) return setError({ email: parsed.error.issues[0]?.message });
    setError({});
    try {
      setDone((await request.mutateAsync({ email: parsed.data })).message);
    } catch (err) {
      setError({ form: formError(err).message });
    }
  }

  if (done) {
    return (
      <div className="space-y-5">
        <Alert tone="success">{done}</Alert>
        <p className="text-sm text-zinc-400">No email after a few minutes? Check the spam folder, or ask again.</p>
        <Link href="/signin" className="text-sm font-medium text-brand-400 hover:text-brand-300">Back to sign in</Link>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Forgot password">
      {error.form && <Alert tone="danger">{error.form}</Alert>}
      <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus error={error.email} />
      <Button type="submit" className="w-full" pending={request.isPending}>
        {request.isPending ? "Sending…" : "Send reset link"}
      </Button>
      <p className="text-center text-sm text-zinc-400">
        Remembered it?{" "}
        <Link href="/signin" className="font-medium text-brand-400 hover:text-brand-300">Sign in</Link>
      </p>
    </form>
  );
}
