import { getLang } from './i18n';

/** Money arrives as a decimal string; it is shown, never computed, so Number() is safe here. */
export function money(value: string | null | undefined, currency = 'CNY'): string {
  if (value == null) return '—';
  return new Intl.NumberFormat(getLang(), { style: 'currency', currency }).format(Number(value));
}

export function date(value: string | null | undefined): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat(getLang(), { dateStyle: 'medium' }).format(new Date(value));
}

export function dateTime(value: string | null | undefined): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat(getLang(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}

export function percent(value: number | null | undefined): string {
  if (value == null) return '—';
  return new Intl.NumberFormat(getLang(), { style: 'percent', maximumFractionDigits: 1 }).format(value);
}
