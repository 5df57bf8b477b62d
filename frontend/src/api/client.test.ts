import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeAuthFetch } from './client';
import { clearSession, getRefreshToken, getSession, setTokens } from '../lib/session';
import { json, problem } from '../test/render';

const user = { id: 1, email: 'a@b.c', name: 'A', role: 'sales', active: true, created_at: '', updated_at: '', version: 1 } as const;

function tokens(access: string, refresh: string) {
  return json({ access_token: access, refresh_token: refresh, expires_in: 900, token_type: 'Bearer', user });
}

describe('authFetch', () => {
  beforeEach(() => {
    clearSession();
    setTokens('old-access', 'refresh-1', user);
  });

  it('sends the bearer token', async () => {
    const base = vi.fn(async (_req: RequestInfo | URL) => json({ ok: true }));
    await makeAuthFetch(base as typeof fetch)(new Request('http://x/api/v1/customers'));
    expect((base.mock.calls[0][0] as Request).headers.get('Authorization')).toBe('Bearer old-access');
  });

  it('refreshes once on 401 and retries with the new token', async () => {
    const base = vi.fn(async (input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/auth/refresh')) return tokens('new-access', 'refresh-2');
      const auth = (input as Request).headers.get('Authorization');
      return auth === 'Bearer new-access' ? json({ items: [] }) : problem(401, 'unauthorized');
    });
    const res = await makeAuthFetch(base as typeof fetch)(new Request('http://x/api/v1/customers'));
    expect(res.status).toBe(200);
    expect(base).toHaveBeenCalledTimes(3);
    expect(getSession().accessToken).toBe('new-access');
    expect(getRefreshToken()).toBe('refresh-2');
  });

  it('signs out when the refresh fails', async () => {
    const base = vi.fn(async () => problem(401, 'unauthorized'));
    const res = await makeAuthFetch(base as typeof fetch)(new Request('http://x/api/v1/customers'));
    expect(res.status).toBe(401);
    expect(base).toHaveBeenCalledTimes(2);
    expect(getSession().accessToken).toBeNull();
    expect(getRefreshToken()).toBeNull();
  });

  it('shares one refresh between concurrent 401s', async () => {
    let refreshes = 0;
    const base = vi.fn(async (input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/auth/refresh')) {
        refreshes++;
        return tokens('new-access', 'refresh-2');
      }
      return (input as Request).headers.get('Authorization') === 'Bearer new-access' ? json({}) : problem(401, 'unauthorized');
    });
    const f = makeAuthFetch(base as typeof fetch);
    const [a, b] = await Promise.all([f(new Request('http://x/api/v1/a')), f(new Request('http://x/api/v1/b'))]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(refreshes).toBe(1);
  });
});
