"use client";

import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Alert, Button, Field } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

/** Deletes the account after the user types their email address and password. */
export function DeleteAccountForm({ email }: { email: string }) {
  const trpc = useTRPC();
  const remove = useMutation(trpc.accountEmail.deleteAccount.mutationOptions());
  const [typed, setTyped] = useState("");
  const [errors, setErrors] = useState<{ confirmation?: string; password?: string; form?: string }>({});

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (remove.isPending) return;
    const data = new FormData(e.currentTarget);
    setErrors({});
    try {
      await remove.mutateAsync({ confirmation: typed, password: String(data.get("password") ?? "") });
      await signOut({ callbackUrl: "/?account=deleted" });
    } catch (err) {
      const fe = formError(err);
      if (/type your email/i.test(fe.message)) setErrors({ confirmation: fe.message });
      else if (/password/i.test(fe.message)) setErrors({ password: fe.message });
      else setErrors({ form: fe.message });
    }
  }

  const matches = typed.trim().toLowerCase() === email.toLowerCase();
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Delete account">
      {errors.form && <Alert tone="danger">{errors.form}</Alert>}
      <Alert tone="warning">
        This stops and deletes every server with its files, cancels your subscription and erases your personal data. It cannot be undone.
      </Alert>
      <Field label={`Type ${email} to confirm`} name="confirmation" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} error={errors.confirmation} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
      <Button type="submit" variant="danger" disabled={!matches} pending={remove.isPending}>
        {remove.isPending ? "Deleting…" : "Delete my account"}
      </Button>
    </form>
  );
}
