import { useSyncExternalStore } from 'react';
import { catalogues, type Key, type Lang } from './i18n/catalogues';

// Callers import everything from here; the messages themselves live in
// i18n/en/ and i18n/zh/, one file per feature area.
export type { Key, Lang };

const LANG_KEY = 'rapport.lang';

/** The stored language when it is one the app has (a stale or edited value falls back to English). */
export function storedLang(stored: string | null | undefined): Lang {
  return stored != null && Object.hasOwn(catalogues, stored) ? (stored as Lang) : 'en';
}

let lang: Lang = storedLang(globalThis.localStorage?.getItem(LANG_KEY));
const listeners = new Set<() => void>();

export function getLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next;
  listeners.forEach((l) => l());
}

export function t(key: Key): string {
  return catalogues[lang][key];
}

/** Re-renders the caller when the language changes. */
export function useI18n() {
  const current = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => lang,
  );
  return { lang: current, t, setLang };
}
