/**
 * Stripe's request encoding: application/x-www-form-urlencoded with bracket keys, e.g.
 * `line_items[0][price]=price_1&metadata[userId]=u1&expand[]=latest_invoice`. Decodes to nested
 * objects and arrays the way Stripe's API reads them.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

function splitKey(key: string): string[] {
  const head = key.match(/^[^[]+/)?.[0];
  if (!head) throw new Error(`bad form key ${key}`);
  const parts = [head];
  for (const m of key.slice(head.length).matchAll(/\[([^\]]*)\]/g)) parts.push(m[1]!);
  return parts;
}

export function parseStripeForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = splitKey(key);
    let node: FormObject | FormValue[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d*$/.test(parts[i + 1]!);
      const slot: string | number = Array.isArray(node) ? (part === "" ? node.length : Number(part)) : part;
      const container = node as Record<string | number, FormValue>;
      if (last) {
        container[slot] = value;
      } else {
        container[slot] ??= nextIsIndex ? [] : {};
        node = container[slot] as FormObject | FormValue[];
      }
    }
  }
  return root;
}
