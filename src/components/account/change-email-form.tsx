"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Button, Field } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

/** Asks to move the account to a new address; the change happens when the new address confirms. */
export function ChangeEmailForm() {
  const trpc = useTRPC();
  const change = useMutation(trpc.accountEmail.changeEmail.mutationOptions());
  const [errors, setErrors] = useState<{ newEmail?: string; currentPassword?: string; form?: string }>({});
  const [done, setDone] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (change.isPending) return;
    const form = e.currentTarget;
    const data = new FormData(form);
    setErrors({});
    setDone(null);
    try {
      const r = await change.mutateAsync({ newEmail: String(data.get("newEmail") ?? ""), currentPassword: String(data.get("currentPassword") ?? "") });
      form.reset();
      setDone(r.message);
    } catch (err) {
      const fe = formError(err);
      if (fe.fields.newEmail) setErrors({ newEmail: fe.fields.newEmail });
      else if (fe.fields.currentPassword) setErrors({ currentPassword: fe.fields.currentPassword });
      else if (/password/i.test(fe.message)) setErrors({ currentPassword: fe.message });
      else if (/address/i.test(fe.message) && fe.code === "BAD_REQUEST") setErrors({ newEmail: fe.message });
      else setErrors({ form: fe.message });
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Change email">
      {errors.form && <Alert tone="danger">{errors.form}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
      <Field label="New email" name="newEmail" type="email" autoComplete="email" required error={errors.newEmail} />
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={errors.currentPassword} />
      <Button type="submit" pending={change.isPending}>{change.isPending ? "Sending…" : "Send confirmation link"}</Button>
    </form>
  );
}
