"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Button, ButtonLink } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

/**
 * One button that spends an emailed link (verify an address, confirm a new one). A click, not the
 * page load, spends it: mail scanners that prefetch links do not use them up.
 */
export function TokenAction({ token, action, label, doneText, doneHref, doneLabel }: {
  token: string;
  action: "verify" | "confirmEmailChange";
  label: string;
  doneText: string;
  doneHref: string;
  doneLabel: string;
}) {
  const trpc = useTRPC();
  const verify = useMutation(trpc.accountEmail.verify.mutationOptions());
  const confirm = useMutation(trpc.accountEmail.confirmEmailChange.mutationOptions());
  const m = action === "verify" ? verify : confirm;
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  async function run() {
    try {
      const r = await m.mutateAsync({ token });
      setResult(r.ok ? { ok: true, text: `${doneText} (${r.email})` } : { ok: false, text: r.reason });
    } catch {
      setResult({ ok: false, text: "Could not reach the server. Try again." });
    }
  }

  if (result?.ok) {
    return (
      <div className="space-y-5">
        <Alert tone="success">{result.text}</Alert>
        <ButtonLink href={doneHref} className="w-full">{doneLabel}</ButtonLink>
      </div>
    );
  }
  return (
    <div className="space-y-5">
      {result && <Alert tone="danger">{result.text}</Alert>}
      <Button onClick={run} className="w-full" pending={m.isPending}>{label}</Button>
    </div>
  );
}
