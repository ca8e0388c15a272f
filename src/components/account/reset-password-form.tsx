"use client";

import Link from "next/link";
import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Alert, Button, Field } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { MIN_PASSWORD_LENGTH, newPasswordSchema } from "~/server/account/account.types";
import { useTRPC } from "~/trpc/react";

/** Sets a new password from the emailed link, then signs this browser in with it. */
export function ResetPasswordForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const reset = useMutation(trpc.accountEmail.resetPassword.mutationOptions());
  const [errors, setErrors] = useState<{ password?: string; confirm?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const data = new FormData(e.currentTarget);
    const parsed = newPasswordSchema.safeParse(data.get("password"));
    if (!parsed.success) return setErrors({ password: parsed.error.issues[0]?.message });
    if (data.get("confirm") !== data.get("password")) return setErrors({ confirm: "The two passwords differ." });
    setErrors({});
    setBusy(true);
    try {
      const { email } = await reset.mutateAsync({ token, password: parsed.data });
      const res = await signIn("credentials", { email, password: parsed.data, redirect: false });
      window.location.assign(res && !res.error ? "/dashboard" : "/signin");
      return;
    } catch (err) {
      setErrors({ form: formError(err).message });
    }
    setBusy(false);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Reset password">
      {errors.form && (
        <Alert tone="danger">
          {errors.form}{" "}
          <Link href="/forgot-password" className="font-medium underline">Ask for a new link</Link>
        </Alert>
      )}
      <Field label="New password" name="password" type="password" autoComplete="new-password" required autoFocus minLength={MIN_PASSWORD_LENGTH} error={errors.password} hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} />
      <Field label="Confirm new password" name="confirm" type="password" autoComplete="new-password" required error={errors.confirm} />
      <Button type="submit" className="w-full" pending={busy}>
        {busy ? "Saving…" : "Set new password"}
      </Button>
      <p className="text-xs text-zinc-500">Every device signed in to this account is signed out.</p>
    </form>
  );
}
