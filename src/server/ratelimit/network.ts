import { isIPv4, isIPv6 } from "node:net";

/**
 * The network an address belongs to, for limits one operator could dodge by hopping addresses:
 * IPv4 /24 and IPv6 /56 (a typical end-site assignment). Anything else is its own network.
 */
export function networkOf(address: string): string {
  if (isIPv4(address)) return `${address.split(".").slice(0, 3).join(".")}.0/24`;
  if (isIPv6(address)) {
    const hextets = expandIPv6(address);
    return `${hextets.slice(0, 3).join(":")}:${hextets[3]!.slice(0, 2)}00::/56`;
  }
  return address;
}

/** Eight zero-padded hextets; an embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets. */
function expandIPv6(address: string): string[] {
  let a = address.toLowerCase().split("%")[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const [b0, b1, b2, b3] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    a = a.slice(0, -v4[1]!.length) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.includes("::") ? a.split("::") : [a, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...middle, ...right].map((h) => h.padStart(4, "0"));
}
