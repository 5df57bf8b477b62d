import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Table } from 'react-bootstrap';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { BarChart, GroupedBarChart, LineChart } from '../../components/Charts';
import { money, percent } from '../../lib/format';
import { useI18n } from '../../lib/i18n';

function Kpi({ label, value }: { label: string; value: string }) {
  return (
    <Col xs={6} lg={3} className="mb-3">
      <Card body>
        <div className="text-muted small">{label}</div>
        <div className="fs-4" data-testid="kpi">
          {value}
        </div>
      </Card>
    </Col>
  );
}

export function DashboardPage() {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['dashboard'],
    queryFn: async () => unwrap(await api.GET('/api/v1/analytics/dashboard')),
  });
  const d = q.data;
  const total = d?.revenue_by_month.reduce((s, m) => s + Number(m.revenue), 0) ?? 0;
  return (
    <>
      <h1 className="h3">{t('nav.dashboard')}</h1>
      <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={!d} onRetry={() => q.refetch()}>
        {d && (
          <>
            <Row>
              <Kpi label={t('dash.totalRevenue')} value={money(total.toFixed(2))} />
              <Kpi label={t('dash.winRate')} value={percent(d.win_rate.rate)} />
              <Kpi label={t('dash.openService')} value={String(d.service?.open ?? '—')} />
              <Kpi label={t('dash.csat')} value={d.service?.csat_average?.toFixed(2) ?? '—'} />
            </Row>
            <Row>
              <Col md={6} className="mb-3">
                <Card body>
                  <h2 className="h6">{t('dash.revenue')}</h2>
                  <BarChart
                    label={t('dash.revenue')}
                    labels={d.revenue_by_month.map((m) => m.month)}
                    values={d.revenue_by_month.map((m) => Number(m.revenue))}
                  />
                </Card>
              </Col>
              <Col md={6} className="mb-3">
                <Card body>
                  <h2 className="h6">{t('dash.newCustomers')}</h2>
                  <LineChart
                    label={t('dash.newCustomers')}
                    labels={d.new_customers_by_month.map((m) => m.month)}
                    values={d.new_customers_by_month.map((m) => m.count)}
                  />
                </Card>
              </Col>
              {d.pipeline.length > 0 && (
                <Col md={6} className="mb-3">
                  <Card body>
                    <h2 className="h6">{t('dash.pipeline')}</h2>
                    <BarChart
                      label={t('dash.pipeline')}
                      labels={d.pipeline.map((p) => p.stage)}
                      values={d.pipeline.map((p) => Number(p.total_amount))}
                    />
                  </Card>
                </Col>
              )}
              {d.campaigns && (
                <Col md={6} className="mb-3">
                  <Card body data-testid="campaign-roi">
                    <h2 className="h6">{t('dash.campaignRoi')}</h2>
                    {d.campaigns.length === 0 ? (
                      <p className="text-muted small mb-0">{t('state.empty')}</p>
                    ) : (
                      <>
                        <GroupedBarChart
                          label={t('dash.campaignRoi')}
                          labels={d.campaigns.map((c) => c.name)}
                          series={[
                            { label: t('camp.cost'), values: d.campaigns.map((c) => Number(c.cost)) },
                            { label: t('camp.revenue'), values: d.campaigns.map((c) => Number(c.revenue)) },
                          ]}
                        />
                        <Table size="sm" responsive className="mt-2 mb-0 small">
                          <thead>
                            <tr>
                              <th>{t('camp.name')}</th>
                              <th className="text-end">{t('camp.cost')}</th>
                              <th className="text-end">{t('camp.revenue')}</th>
                              <th className="text-end">{t('camp.roi')}</th>
                            </tr>
                          </thead>
                          <tbody>
                            {d.campaigns.map((c) => (
                              <tr key={c.campaign_id}>
                                <td>
                                  <Link to={`/marketing/campaigns/${c.campaign_id}`}>{c.name}</Link>
                                </td>
                                <td className="text-end">{money(c.cost)}</td>
                                <td className="text-end">{money(c.revenue)}</td>
                                <td className="text-end">{c.roi == null ? '—' : percent(Number(c.roi))}</td>
                              </tr>
                            ))}
                          </tbody>
                        </Table>
                      </>
                    )}
                  </Card>
                </Col>
              )}
            </Row>
          </>
        )}
      </AsyncState>
    </>
  );
}
