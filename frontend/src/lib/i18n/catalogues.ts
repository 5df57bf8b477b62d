import { admin as enAdmin } from './en/admin';
import { analytics as enAnalytics } from './en/analytics';
import { common as enCommon } from './en/common';
import { marketing as enMarketing } from './en/marketing';
import { sales as enSales } from './en/sales';
import { admin as zhAdmin } from './zh/admin';
import { analytics as zhAnalytics } from './zh/analytics';
import { common as zhCommon } from './zh/common';
import { marketing as zhMarketing } from './zh/marketing';
import { sales as zhSales } from './zh/sales';

export type Lang = 'en' | 'zh-CN';

// English is the reference catalogue: its keys are the ones t() accepts.
const en = { ...enCommon, ...enSales, ...enMarketing, ...enAnalytics, ...enAdmin };

export type Key = keyof typeof en;

const zh: Record<Key, string> = { ...zhCommon, ...zhSales, ...zhMarketing, ...zhAnalytics, ...zhAdmin };

export const catalogues: Record<Lang, Record<Key, string>> = { en, 'zh-CN': zh };

// The area files each catalogue is spread from: a key defined in two of them
// would be silently overwritten by the later spread, so the test checks this.
export const areas: Record<Lang, readonly Readonly<Record<string, string>>[]> = {
  en: [enCommon, enSales, enMarketing, enAnalytics, enAdmin],
  'zh-CN': [zhCommon, zhSales, zhMarketing, zhAnalytics, zhAdmin],
};
