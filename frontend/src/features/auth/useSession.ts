import { useSyncExternalStore } from 'react';
import { api, unwrap } from '../../api/client';
import { clearSession, getRefreshToken, getSession, setTokens, subscribe } from '../../lib/session';

export function useSession() {
  return useSyncExternalStore(subscribe, getSession);
}

export async function login(email: string, password: string): Promise<void> {
  const body = unwrap(await api.POST('/api/v1/auth/login', { body: { email, password } }));
  setTokens(body.access_token, body.refresh_token, body.user);
}

let resuming: Promise<boolean> | null = null;

/** After a reload only the refresh token is left: trade it for a new pair (once, however often asked). */
export function resume(): Promise<boolean> {
  resuming ??= doResume().finally(() => {
    resuming = null;
  });
  return resuming;
}

async function doResume(): Promise<boolean> {
  const refresh_token = getRefreshToken();
  if (!refresh_token) return false;
  const res = await api.POST('/api/v1/auth/refresh', { body: { refresh_token } });
  if (!res.data) {
    clearSession();
    return false;
  }
  setTokens(res.data.access_token, res.data.refresh_token, res.data.user);
  return true;
}

export async function logout(): Promise<void> {
  const refresh_token = getRefreshToken();
  if (refresh_token) await api.POST('/api/v1/auth/logout', { body: { refresh_token } }).catch(() => undefined);
  clearSession();
}
