import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local fake of Headscale's v1 REST API (0.26+ shapes): Bearer API key, GET/POST /api/v1/user,
 * POST /api/v1/preauthkey with the user's numeric id. Errors follow grpc-gateway's
 * { code, message, details } with the mapped HTTP status; a bad API key gets a plain 401.
 */
export type FakeHeadscale = {
  url: string;
  apiKey: string;
  users: { id: string; name: string; displayName: string; createdAt: string }[];
  keys: { user: string; key: string; reusable: boolean; ephemeral: boolean; expiration: string; aclTags: string[] }[];
  requests: { method: string; path: string; body: unknown }[];
  /** Makes the next preauthkey request fail like Headscale does for a bad request. */
  failNextPreAuthKey?: { status: number; code: number; message: string };
  close(): Promise<void>;
};

export async function startFakeHeadscale(apiKey = "hs-test-api-key"): Promise<FakeHeadscale> {
  const fake: FakeHeadscale = { url: "", apiKey, users: [], keys: [], requests: [], close: async () => {} };
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const rpcError = (res: http.ServerResponse, status: number, code: number, message: string) => json(res, status, { code, message, details: [] });
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? "/", "http://fake");
    const body = text ? JSON.parse(text) : undefined;
    fake.requests.push({ method: req.method ?? "", path: url.pathname + url.search, body });
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      res.writeHead(401, { "content-type": "text/plain" });
      return res.end("Unauthorized");
    }
    if (url.pathname === "/api/v1/user" && req.method === "GET") {
      const name = url.searchParams.get("name");
      return json(res, 200, { users: fake.users.filter((u) => !name || u.name === name) });
    }
    if (url.pathname === "/api/v1/user" && req.method === "POST") {
      if (!body?.name) return rpcError(res, 400, 3, "name is required");
      if (fake.users.some((u) => u.name === body.name)) return rpcError(res, 500, 2, "creating user: user already exists");
      const user = { id: String(fake.users.length + 1), name: body.name, displayName: body.displayName ?? "", createdAt: new Date().toISOString() };
      fake.users.push(user);
      return json(res, 200, { user });
    }
    if (url.pathname === "/api/v1/preauthkey" && req.method === "POST") {
      if (fake.failNextPreAuthKey) {
        const f = fake.failNextPreAuthKey;
        fake.failNextPreAuthKey = undefined;
        return rpcError(res, f.status, f.code, f.message);
      }
      // 0.26+: the user is a uint64 id (a JSON string or number); a name fails to parse.
      if (!/^\d+$/.test(String(body?.user ?? ""))) return rpcError(res, 400, 3, `proto: invalid value for uint64 field user: ${JSON.stringify(body?.user)}`);
      const user = fake.users.find((u) => u.id === String(body.user));
      if (!user) return rpcError(res, 500, 2, "user not found");
      const key = { user: user.id, key: `hskey-auth-${Math.random().toString(36).slice(2, 14)}-${Math.random().toString(36).slice(2)}`, reusable: !!body.reusable, ephemeral: !!body.ephemeral, expiration: body.expiration, aclTags: body.aclTags ?? [] };
      fake.keys.push(key);
      return json(res, 200, { preAuthKey: { user, id: String(fake.keys.length), key: key.key, reusable: key.reusable, ephemeral: key.ephemeral, used: false, expiration: key.expiration, createdAt: new Date().toISOString(), aclTags: key.aclTags } });
    }
    return rpcError(res, 404, 5, "Not Found");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((r) => server.close(() => r()));
  return fake;
}
