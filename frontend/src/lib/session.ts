import type { components } from '../api/schema';

export type User = components['schemas']['User'];
export type Role = components['schemas']['RoleName'];

interface Session {
  accessToken: string | null;
  user: User | null;
}

// The access token lives in memory only; the single-use refresh token survives a reload
// of this tab (sessionStorage), never other tabs or a closed browser.
const REFRESH_KEY = 'rapport.refresh';
let session: Session = { accessToken: null, user: null };
const listeners = new Set<() => void>();

export function getSession(): Session {
  return session;
}

export function getRefreshToken(): string | null {
  return globalThis.sessionStorage?.getItem(REFRESH_KEY) ?? null;
}

export function setTokens(accessToken: string, refreshToken: string, user?: User): void {
  sessionStorage.setItem(REFRESH_KEY, refreshToken);
  session = { accessToken, user: user ?? session.user };
  listeners.forEach((l) => l());
}

export function setUser(user: User): void {
  session = { ...session, user };
  listeners.forEach((l) => l());
}

export function clearSession(): void {
  sessionStorage.removeItem(REFRESH_KEY);
  session = { accessToken: null, user: null };
  listeners.forEach((l) => l());
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
