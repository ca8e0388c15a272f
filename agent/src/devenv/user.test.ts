import { describe, expect, it } from "vitest";
import { lookupPasswd } from "./user";

describe("lookupPasswd", () => {
  const passwd = "root:x:0:0:root:/root:/bin/bash\ndev:x:1000:1000::/home/dev:/bin/bash\ndevops:x:1001:1001::/home/devops:/bin/sh\n";
  it("finds a user by exact name", () => expect(lookupPasswd(passwd, "dev")).toEqual({ uid: 1000, gid: 1000 }));
  it("does not match prefixes", () => expect(lookupPasswd("devops:x:1001:1001::/h:/bin/sh\n", "dev")).toBeNull());
  it("returns null for a missing user", () => expect(lookupPasswd(passwd, "nobody")).toBeNull());
});
