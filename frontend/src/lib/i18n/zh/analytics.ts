import type { analytics as en } from '../en/analytics';

// Simplified Chinese messages for the dashboard, sales forecast, regression and RFM pages.
// Typed by the English file so that tsc rejects a missing or extra key.
export const analytics: Record<keyof typeof en, string> = {
  'dash.revenue': '月度收入',
  'dash.newCustomers': '新客户',
  'dash.pipeline': '各阶段商机',
  'dash.winRate': '赢单率',
  'dash.openService': '未结工单',
  'dash.overdue': '已超时',
  'dash.csat': '满意度',
  'dash.totalRevenue': '期间收入',
  'dash.campaignRoi': '营销活动投资回报',

  'fc.title': '销售预测',
  'fc.adj': '调整后',
  'fc.rse': '残差标准误',
  'fc.backtest': '回测',
  'fc.points': '点',
  'fc.coefficient': '系数',
  'fc.estimate': '估计值',
  'fc.stdError': '标准误',
  'fc.revenue': '收入',
  'fc.fit': '拟合',
  'fc.forecast': '预测',
  'fc.low': '95% 下限',
  'fc.high': '95% 上限',

  'reg.rows': '数据行（首行为表头；第一列为 y）',
  'reg.fit': '拟合',
  'reg.rse': '残差标准误',
  'reg.term': '项',

  'rfm.title': 'RFM 客户分群',
  'rfm.segment': '分群',
  'rfm.share': '占比',
};
