import { storedLang, t } from './i18n';

describe('the stored language', () => {
  it('is kept when the app has it', () => {
    expect(storedLang('zh-CN')).toBe('zh-CN');
    expect(storedLang('en')).toBe('en');
  });

  it('falls back to English when missing, stale or not a catalogue of its own', () => {
    for (const stored of [null, undefined, '', 'fr', 'zh', 'toString', '__proto__']) {
      expect(storedLang(stored)).toBe('en');
    }
  });

  it('gives t() a catalogue to read', () => {
    expect(t('nav.customers')).toBeTruthy();
  });
});
