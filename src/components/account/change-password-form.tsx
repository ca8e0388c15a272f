"use client";

import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { z } from "zod";
import { Alert, Button, Field } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { MIN_PASSWORD_LENGTH, changePasswordInput } from "~/server/account/account.types";
import { useTRPC } from "~/trpc/react";

type Errors = { currentPassword?: string; newPassword?: string; confirm?: string; form?: string };

export function ChangePasswordForm({ email }: { email: string }) {
  const trpc = useTRPC();
  const change = useMutation(trpc.account.changePassword.mutationOptions());
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState(false);
  const inFlight = useRef(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (inFlight.current) return;
    const form = e.currentTarget;
    const data = new FormData(form);
    setSaved(false);
    const parsed = changePasswordInput.safeParse({ currentPassword: data.get("currentPassword"), newPassword: data.get("newPassword") });
    const next: Errors = {};
    if (!parsed.success) {
      const fields = z.flattenError(parsed.error).fieldErrors;
      next.currentPassword = fields.currentPassword?.[0];
      next.newPassword = fields.newPassword?.[0];
    }
    if (data.get("confirm") !== data.get("newPassword")) next.confirm = "The two new passwords differ.";
    if (!parsed.success || next.confirm) {
      setErrors(next);
      return;
    }
    inFlight.current = true;
    setErrors({});
    try {
      await change.mutateAsync(parsed.data);
      // Changing the password signed out every session, this one too: sign in again with the new one.
      const res = await signIn("credentials", { email, password: parsed.data.newPassword, redirect: false });
      form.reset();
      if (res && !res.error) setSaved(true);
      else window.location.assign("/signin?callbackUrl=%2Fsettings");
    } catch (err) {
      const fe = formError(err);
      // The one refusal tied to a field is a wrong current password; the rest concern the whole form.
      if (fe.code === "BAD_REQUEST" && !fe.fields.newPassword) setErrors({ currentPassword: fe.fields.currentPassword ?? fe.message });
      else if (fe.fields.newPassword) setErrors({ newPassword: fe.fields.newPassword });
      else setErrors({ form: fe.message });
    } finally {
      inFlight.current = false;
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Change password">
      {errors.form && <Alert tone="danger">{errors.form}</Alert>}
      {saved && <Alert tone="success">Password changed. Other devices were signed out.</Alert>}
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={errors.currentPassword} />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        error={errors.newPassword}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
      />
      <Field label="Confirm new password" name="confirm" type="password" autoComplete="new-password" required error={errors.confirm} />
      <Button type="submit" pending={change.isPending}>
        {change.isPending ? "Saving…" : "Change password"}
      </Button>
    </form>
  );
}
