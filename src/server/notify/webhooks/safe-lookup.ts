import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { isNonPublicAddress } from "./url-policy";

/**
 * A `lookup` for http.request that refuses to connect to a non-public address, checked on the
 * address the socket will actually use (defeats DNS names that resolve, or later re-resolve, to
 * the portal's own network).
 */
type Callback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export function guardedLookup(hostname: string, options: LookupOptions, callback: Callback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, "");
    const list = (addresses as LookupAddress[]).filter((a) => isIP(a.address));
    const bad = list.find((a) => isNonPublicAddress(a.address));
    if (bad || list.length === 0) {
      const e = new Error(`refusing to call ${hostname}: it resolves to a non-public address`) as NodeJS.ErrnoException;
      e.code = "EWEBHOOKTARGET";
      return callback(e, "");
    }
    if (options.all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}
