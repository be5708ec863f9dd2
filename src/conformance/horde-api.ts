// The few AI Horde API v2 calls the conformance driver makes, to a server on the loopback interface only.

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

export class HordeApi {
  readonly base: string;

  constructor(
    url: string,
    private readonly timeoutMs = 30_000,
  ) {
    const u = new URL(url);
    if (u.hostname !== "127.0.0.1" && u.hostname !== "localhost" && u.hostname !== "[::1]") {
      throw new Error(`the conformance driver only talks to a server on the loopback interface, not ${u.hostname}`);
    }
    this.base = `${u.origin}/api/v2`;
  }

  async call(method: "GET" | "POST", path: string, apikey: string | null, body?: unknown): Promise<ApiAnswer> {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "Client-Agent": "hordesim-conformance:1:",
    };
    if (apikey !== null) headers.apikey = apikey;
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = {};
      try {
        parsed = text.length > 0 ? JSON.parse(text) : {};
      } catch {
        parsed = { message: text.slice(0, 200) };
      }
      const obj =
        typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : { value: parsed };
      return { status: res.status, body: obj };
    } catch (err) {
      return { status: 0, body: { message: err instanceof Error ? err.message : String(err) } };
    }
  }

  /** POST /dev/test-user (HORDE_TEST_APIKEYS=1): a user with this kudos balance; its API key. */
  async testUser(username: string, kudos: number): Promise<string> {
    const a = await this.call("POST", "/dev/test-user", null, {
      username,
      oauth_id: `conformance_${username}`,
      moderator: false,
      trusted: true,
      kudos: Math.max(0, Math.round(kudos)),
    });
    const key = a.body.api_key;
    if ((a.status !== 200 && a.status !== 201) || typeof key !== "string") {
      throw new Error(
        `POST /dev/test-user for ${username} answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`,
      );
    }
    return key;
  }
}

/** The error text of a non-2xx answer. */
export function answerError(a: ApiAnswer): string | undefined {
  if (a.status >= 200 && a.status < 300) return undefined;
  const rc = typeof a.body.rc === "string" ? `${a.body.rc}: ` : "";
  const msg = typeof a.body.message === "string" ? a.body.message : JSON.stringify(a.body);
  return `${a.status} ${rc}${msg}`.slice(0, 300);
}
