"use client";

import { useState } from "react";
import { Button } from "~/components/ui";
import { sshConfigSnippet, type SshGateway, type SshTarget } from "./ssh-config";

/** The ~/.ssh/config block for this server with a copy button, or why there is none. */
export function SshSnippet({ target, devDomain, gateway = null }: { target: SshTarget; devDomain: string; gateway?: SshGateway | null }) {
  const [copied, setCopied] = useState(false);
  const snippet = sshConfigSnippet(target, devDomain, gateway);
  if (!snippet) return <p className="text-sm text-zinc-400">SSH is not enabled for this server.</p>;
  const host = gateway || target.provider === "local" || target.provider === "lxc" ? `dev-${target.vmid}` : `dev-${target.vmid}.${devDomain}`;
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-400">
        Add this to <code className="text-zinc-200">~/.ssh/config</code>, then run <code className="text-zinc-200">ssh {host}</code> or pick the host in VS Code&apos;s Remote-SSH. Sign-in uses the SSH keys in your settings.{gateway ? " If the server is stopped, connecting starts it." : ""}
      </p>
      <pre className="overflow-x-auto rounded-xl bg-zinc-950 p-4 text-xs text-zinc-200 ring-1 ring-white/10" data-testid="ssh-snippet">
        {snippet}
      </pre>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => {
          void navigator.clipboard?.writeText(snippet).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 2000);
          });
        }}
      >
        {copied ? "Copied" : "Copy"}
      </Button>
    </div>
  );
}
