import { Alert } from "~/components/ui";
import { accountSuspension } from "~/server/admin/suspension";

/** Shown on every portal page while an operator has suspended the account: the reason, in full. */
export async function SuspensionBanner({ userId }: { userId: string }) {
  const s = await accountSuspension(userId);
  if (!s) return null;
  return (
    <Alert tone="danger" className="mb-6" data-testid="account-suspended">
      Your account is suspended: {s.reason}. Your servers are stopped and cannot be started or created until the suspension is lifted.
    </Alert>
  );
}
