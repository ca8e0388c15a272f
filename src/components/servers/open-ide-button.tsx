import { buttonClasses, type ButtonSize } from "~/components/ui/button";

/**
 * "Open IDE": a plain link to the hosted IDE flow, so it works without client JavaScript. The route
 * checks ownership and state, then redirects to dev-<vmid> with a one-shot token. Opens a new tab:
 * the IDE is a workspace of its own.
 */
export function OpenIdeButton({
  serverId,
  disabled = false,
  size = "md",
  className,
}: {
  serverId: string;
  /** When the server is not running or has no code-server: shown, but not a link. */
  disabled?: boolean;
  size?: ButtonSize;
  className?: string;
}) {
  if (disabled) {
    return (
      <span aria-disabled="true" className={buttonClasses("primary", size, `pointer-events-none opacity-60 ${className ?? ""}`)}>
        Open IDE
      </span>
    );
  }
  return (
    <a
      href={`/api/dev/${encodeURIComponent(serverId)}/ide`}
      target="_blank"
      rel="noopener noreferrer"
      className={buttonClasses("primary", size, className)}
      data-testid="open-ide"
    >
      Open IDE
    </a>
  );
}
