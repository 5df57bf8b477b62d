import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { clearSession, getRefreshToken, getSession, setTokens } from '../lib/session';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

/** An error answer of the API, carrying its problem+json body when there was one. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;
  constructor(status: number, problem: Problem | null) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
  get code(): string | undefined {
    return this.problem?.code;
  }
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem?.errors ?? []) out[e.field] ??= e.message;
    return out;
  }
}

let refreshing: Promise<boolean> | null = null;

/** Exchanges the refresh token once; concurrent 401s share the same attempt. */
async function refreshTokens(baseFetch: typeof fetch): Promise<boolean> {
  const token = getRefreshToken();
  if (!token) return false;
  refreshing ??= (async () => {
    try {
      const res = await baseFetch(`${baseUrl()}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: token }),
      });
      if (!res.ok) return false;
      const body = (await res.json()) as Schemas['TokenResponse'];
      setTokens(body.access_token, body.refresh_token, body.user);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** fetch with the bearer token; on a 401 it refreshes once and retries, else signs out. */
export function makeAuthFetch(baseFetch: typeof fetch = (...a) => globalThis.fetch(...a)) {
  return async (input: Request): Promise<Response> => {
    const retry = input.clone();
    const withToken = (req: Request) => {
      const token = getSession().accessToken;
      if (token) req.headers.set('Authorization', `Bearer ${token}`);
      return req;
    };
    const res = await baseFetch(withToken(input));
    if (res.status !== 401 || input.url.includes('/auth/login') || input.url.includes('/auth/refresh')) {
      return res;
    }
    if (await refreshTokens(baseFetch)) return baseFetch(withToken(retry));
    clearSession();
    return res;
  };
}

function baseUrl(): string {
  // openapi-fetch needs an absolute base under jsdom.
  return globalThis.location?.origin ?? '';
}

export const api = createClient<paths>({ baseUrl: baseUrl(), fetch: makeAuthFetch() });

/** Turns an openapi-fetch result into data or a thrown ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) return undefined as T;
  const err = result.error as Problem | undefined;
  throw new ApiError(result.response.status, err && typeof err === 'object' && 'code' in err ? err : null);
}
