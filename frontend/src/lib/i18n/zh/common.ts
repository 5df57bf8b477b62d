import type { common as en } from '../en/common';

// Simplified Chinese messages for the app shell: navigation, sign-in, loading and error states, shared form words and dialogs.
// Typed by the English file so that tsc rejects a missing or extra key.
export const common: Record<keyof typeof en, string> = {
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
  'nav.service': '客服',
  'nav.admin': '管理',
  'nav.logout': '退出',
  'nav.quotes': '报价',
  'nav.marketing': '营销',
  'nav.campaigns': '营销活动',
  'nav.segments': '客户分群',

  'login.title': '登录',
  'login.email': '邮箱',
  'login.password': '密码',
  'login.submit': '登录',
  'login.failed': '邮箱或密码错误。',

  'state.loading': '加载中…',
  'state.empty': '暂无数据。',
  'state.error': '加载失败：',
  'state.retry': '重试',

  'form.save': '保存',
  'form.cancel': '取消',
  'form.required': '必填',
  'form.invalidEmail': '邮箱格式不正确',

  'conflict.title': '记录已被他人修改',
  'conflict.body': '打开后此记录已被修改。重新加载对方的版本，还是用你的覆盖？',
  'conflict.reload': '重新加载',
  'conflict.overwrite': '覆盖',

  'picker.search': '搜索客户',
  'picker.choose': '选择客户',
};
