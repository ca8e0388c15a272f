import { randomUUID } from "node:crypto";

/**
 * A signed-in user as a browser would be, over plain HTTP: a cookie jar, next-auth's credentials
 * sign-in, and tRPC calls (superjson's { json } envelope). Any portal instance may take any call.
 */
export class PortalUser {
  readonly cookies = new Map<string, string>();
  readonly email = `fault-${randomUUID().slice(0, 10)}@example.test`;
  readonly password = `pw-${randomUUID()}`;

  constructor(public base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: "manual",
      headers: { origin: this.base, cookie: this.cookieHeader(), ...(init.headers as Record<string, string>) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      const [k, v] = [pair!.slice(0, i).trim(), pair!.slice(i + 1)];
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    return res;
  }

  async signUpAndIn(): Promise<this> {
    const r = await this.mutation("account.signUp", { email: this.email, password: this.password });
    if (!r.ok) throw new Error(`sign-up answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    const { csrfToken } = (await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const signIn = await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, email: this.email, password: this.password, json: "true" }),
    });
    if (signIn.status >= 400) throw new Error(`sign-in answered ${signIn.status}`);
    const session = (await (await this.fetch("/api/auth/session")).json()) as { user?: { email?: string } };
    if (session.user?.email !== this.email) throw new Error("no session after sign-in");
    return this;
  }

  async query<T = unknown>(proc: string, input?: unknown): Promise<{ ok: boolean; status: number; data: T; body: unknown; instance: string | null }> {
    const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    return this.parse<T>(await this.fetch(`/api/trpc/${proc}${q}`));
  }

  async mutation<T = unknown>(proc: string, input?: unknown): Promise<{ ok: boolean; status: number; data: T; body: unknown; instance: string | null }> {
    return this.parse<T>(
      await this.fetch(`/api/trpc/${proc}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: input ?? null }) }),
    );
  }

  private async parse<T>(res: Response) {
    const body = (await res.json().catch(() => null)) as { result?: { data?: { json?: T } } } | null;
    return { ok: res.ok, status: res.status, data: body?.result?.data?.json as T, body, instance: res.headers.get("x-zlh-instance") };
  }
}
