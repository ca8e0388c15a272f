"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Badge, Button } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

/** The account's address, whether it is confirmed, and a resend button while it is not. */
export function EmailStatus() {
  const trpc = useTRPC();
  const status = useQuery(trpc.accountEmail.status.queryOptions());
  const resend = useMutation(trpc.accountEmail.resendVerification.mutationOptions());
  const [note, setNote] = useState<{ tone: "success" | "danger"; text: string } | null>(null);
  if (!status.data) return null;
  const { email, verified } = status.data;

  async function onResend() {
    try {
      const r = await resend.mutateAsync();
      setNote({ tone: "success", text: r.sent ? `We sent a new link to ${email}.` : "Your address is already confirmed." });
    } catch (err) {
      setNote({ tone: "danger", text: formError(err).message });
    }
  }

  return (
    <div className="space-y-3 text-sm" data-testid="email-status">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium break-all text-white">{email}</span>
        {verified ? <Badge tone="success">Confirmed</Badge> : <Badge tone="warning">Not confirmed</Badge>}
      </div>
      {!verified && (
        <>
          <p className="text-zinc-400">Confirm your address with the link we emailed you to create a second server or choose a paid plan.</p>
          <Button variant="secondary" size="sm" onClick={onResend} pending={resend.isPending}>Send a new link</Button>
        </>
      )}
      {note && <Alert tone={note.tone}>{note.text}</Alert>}
    </div>
  );
}
