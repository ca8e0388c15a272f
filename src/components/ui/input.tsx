import { useId, type ComponentProps, type ReactNode } from "react";
import { cx } from "~/lib/cx";

type InputProps = ComponentProps<"input"> & { invalid?: boolean };

/** A text input. Prefer <Field>, which adds the label and the inline error. */
export function Input({ className, invalid, ...rest }: InputProps) {
  return (
    <input
      aria-invalid={invalid || undefined}
      className={cx(
        "block h-10 w-full rounded-lg bg-zinc-900/80 px-3 text-sm text-zinc-100 placeholder:text-zinc-500",
        "ring-1 ring-inset transition-shadow outline-none focus:ring-2",
        invalid ? "ring-red-500/70 focus:ring-red-400" : "ring-white/10 focus:ring-brand-400",
        "disabled:opacity-60",
        className,
      )}
      {...rest}
    />
  );
}

type FieldProps = Omit<InputProps, "id" | "invalid"> & {
  label: string;
  /** Shown under the input in red and linked with aria-describedby. */
  error?: string | null;
  hint?: ReactNode;
};

/**
 * Label + input + inline error: `<Field label="Email" name="email" type="email" error={errors.email} />`.
 */
export function Field({ label, error, hint, className, ...rest }: FieldProps) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={cx("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-300">
        {label}
      </label>
      <Input id={id} invalid={Boolean(error)} aria-describedby={describedBy} {...rest} />
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-400" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
