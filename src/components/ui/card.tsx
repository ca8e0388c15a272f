import type { ComponentProps } from "react";
import { cx } from "~/lib/cx";

/**
 * A surface for grouped content:
 *   <Card><CardHeader><CardTitle>..</CardTitle><CardDescription>..</CardDescription></CardHeader>
 *   <CardBody>..</CardBody><CardFooter>..</CardFooter></Card>
 */
export function Card({ className, ...rest }: ComponentProps<"div">) {
  return (
    <div
      className={cx("rounded-2xl bg-zinc-900/60 ring-1 ring-white/10 shadow-xl shadow-black/20", className)}
      {...rest}
    />
  );
}

export function CardHeader({ className, ...rest }: ComponentProps<"div">) {
  return <div className={cx("space-y-1 px-6 pt-6", className)} {...rest} />;
}

export function CardTitle({ className, ...rest }: ComponentProps<"h2">) {
  return <h2 className={cx("text-lg font-semibold text-white", className)} {...rest} />;
}

export function CardDescription({ className, ...rest }: ComponentProps<"p">) {
  return <p className={cx("text-sm text-zinc-400", className)} {...rest} />;
}

export function CardBody({ className, ...rest }: ComponentProps<"div">) {
  return <div className={cx("px-6 py-6", className)} {...rest} />;
}

export function CardFooter({ className, ...rest }: ComponentProps<"div">) {
  return <div className={cx("flex items-center gap-3 border-t border-white/5 px-6 py-4", className)} {...rest} />;
}
