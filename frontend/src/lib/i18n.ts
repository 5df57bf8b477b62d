import { useSyncExternalStore } from 'react';

export type Lang = 'en' | 'zh-CN';

const en = {
  'app.name': 'Rapport',
  'nav.dashboard': 'Dashboard',
  'nav.customers': 'Customers',
  'nav.pipeline': 'Pipeline',
  'nav.products': 'Products',
  'nav.forecast': 'Forecast',
  'nav.rfm': 'RFM',
  'nav.regression': 'Regression',
  'nav.orders': 'Orders',
  'nav.followUps': 'Follow-ups',
  'nav.csat': 'CSAT',
  'nav.audit': 'Audit log',
  'nav.leads': 'Leads',
  'prod.price': 'Price',
  'lead.convert': 'Convert',
  'lead.search': 'Search name, email, company',
  'nav.service': 'Service',
  'nav.admin': 'Admin',
  'nav.logout': 'Sign out',
  'login.title': 'Sign in',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.failed': 'Wrong email or password.',
  'state.loading': 'Loading…',
  'state.empty': 'Nothing here yet.',
  'state.error': 'Could not load:',
  'state.retry': 'Retry',
  'dash.revenue': 'Revenue by month',
  'dash.newCustomers': 'New customers',
  'dash.pipeline': 'Pipeline by stage',
  'dash.winRate': 'Win rate',
  'dash.openService': 'Open requests',
  'dash.overdue': 'Overdue',
  'dash.csat': 'CSAT',
  'dash.totalRevenue': 'Revenue (period)',
  'cust.search': 'Search name, email, phone, company',
  'cust.city': 'City',
  'cust.new': 'New customer',
  'cust.export': 'Export CSV',
  'cust.name': 'Name',
  'cust.email': 'Email',
  'cust.phone': 'Phone',
  'cust.company': 'Company',
  'cust.created': 'Created',
  'cust.next': 'Next',
  'cust.first': 'First page',
  'cust.edit': 'Edit',
  'cust.timeline': 'Timeline',
  'cust.orders': 'Orders',
  'cust.service': 'Service requests',
  'cust.rfm': 'RFM',
  'cust.recommendations': 'Recommendations',
  'form.save': 'Save',
  'form.cancel': 'Cancel',
  'form.required': 'Required',
  'form.invalidEmail': 'Not a valid email',
  'conflict.title': 'Someone else saved first',
  'conflict.body': 'This record changed since you opened it. Reload their version, or overwrite it with yours?',
  'conflict.reload': 'Reload',
  'conflict.overwrite': 'Overwrite',
  'pipe.lostReason': 'Why was it lost?',
  'svc.mine': 'Mine',
  'svc.unassigned': 'Unassigned',
  'svc.overdue': 'Overdue',
  'svc.all': 'All',
  'svc.status': 'Status',
  'svc.subject': 'Subject',
  'svc.due': 'Due',
  'svc.move': 'Move to',
  'svc.comment': 'Add comment',
  'admin.users': 'Users',
  'admin.role': 'Role',
  'admin.active': 'Active',
} as const;

export type Key = keyof typeof en;

const zh: Record<Key, string> = {
  'app.name': 'Rapport',
  'nav.dashboard': '仪表盘',
  'nav.customers': '客户',
  'nav.pipeline': '销售漏斗',
  'nav.products': '产品',
  'nav.forecast': '销售预测',
  'nav.rfm': 'RFM',
  'nav.regression': '回归分析',
  'nav.orders': '订单',
  'nav.followUps': '待跟进',
  'nav.csat': '满意度',
  'nav.audit': '审计日志',
  'nav.leads': '线索',
  'prod.price': '价格',
  'lead.convert': '转化',
  'lead.search': '搜索姓名、邮箱、公司',
  'nav.service': '客服',
  'nav.admin': '管理',
  'nav.logout': '退出',
  'login.title': '登录',
  'login.email': '邮箱',
  'login.password': '密码',
  'login.submit': '登录',
  'login.failed': '邮箱或密码错误。',
  'state.loading': '加载中…',
  'state.empty': '暂无数据。',
  'state.error': '加载失败：',
  'state.retry': '重试',
  'dash.revenue': '月度收入',
  'dash.newCustomers': '新客户',
  'dash.pipeline': '各阶段商机',
  'dash.winRate': '赢单率',
  'dash.openService': '未结工单',
  'dash.overdue': '已超时',
  'dash.csat': '满意度',
  'dash.totalRevenue': '期间收入',
  'cust.search': '搜索姓名、邮箱、电话、公司',
  'cust.city': '城市',
  'cust.new': '新建客户',
  'cust.export': '导出 CSV',
  'cust.name': '姓名',
  'cust.email': '邮箱',
  'cust.phone': '电话',
  'cust.company': '公司',
  'cust.created': '创建时间',
  'cust.next': '下一页',
  'cust.first': '第一页',
  'cust.edit': '编辑',
  'cust.timeline': '时间线',
  'cust.orders': '订单',
  'cust.service': '服务请求',
  'cust.rfm': 'RFM',
  'cust.recommendations': '推荐',
  'form.save': '保存',
  'form.cancel': '取消',
  'form.required': '必填',
  'form.invalidEmail': '邮箱格式不正确',
  'conflict.title': '记录已被他人修改',
  'conflict.body': '打开后此记录已被修改。重新加载对方的版本，还是用你的覆盖？',
  'conflict.reload': '重新加载',
  'conflict.overwrite': '覆盖',
  'pipe.lostReason': '丢单原因？',
  'svc.mine': '我的',
  'svc.unassigned': '未分配',
  'svc.overdue': '已超时',
  'svc.all': '全部',
  'svc.status': '状态',
  'svc.subject': '主题',
  'svc.due': '截止',
  'svc.move': '改为',
  'svc.comment': '添加备注',
  'admin.users': '用户',
  'admin.role': '角色',
  'admin.active': '启用',
};

const dictionaries: Record<Lang, Record<Key, string>> = { en, 'zh-CN': zh };
const LANG_KEY = 'rapport.lang';
let lang: Lang = (globalThis.localStorage?.getItem(LANG_KEY) as Lang | null) ?? 'en';
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
  return dictionaries[lang][key];
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
