import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row } from 'react-bootstrap';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { BarChart, LineChart } from '../../components/Charts';
import { useI18n } from '../../lib/i18n';

export function CsatPage() {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ['service-stats'], queryFn: async () => unwrap(await api.GET('/api/v1/service-requests/stats')) });
  const s = q.data;
  return (
    <>
      <h1 className="h3">{t('nav.csat')}</h1>
      <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={!s} onRetry={() => q.refetch()}>
        {s && (
          <>
            <Row>
              {[
                [t('csat.requests'), String(s.total.requests)],
                [t('dash.openService'), String(s.total.open)],
                [t('dash.overdue'), String(s.total.overdue)],
                [t('dash.csat'), s.total.csat_average?.toFixed(2) ?? '—'],
              ].map(([label, value]) => (
                <Col xs={6} lg={3} key={label} className="mb-3">
                  <Card body>
                    <div className="text-muted small">{label}</div>
                    <div className="fs-4">{value}</div>
                  </Card>
                </Col>
              ))}
            </Row>
            <Row>
              <Col md={6} className="mb-3">
                <Card body>
                  <h2 className="h6">{t('dash.csat')}</h2>
                  <LineChart label={t('dash.csat')} labels={s.by_month.map((m) => m.key)} values={s.by_month.map((m) => m.csat_average ?? 0)} />
                </Card>
              </Col>
              <Col md={6} className="mb-3">
                <Card body>
                  <h2 className="h6">{t('csat.ratings')}</h2>
                  <BarChart label={t('csat.ratings')} labels={s.total.distribution.map((_, i) => String(i + 1))} values={s.total.distribution} />
                </Card>
              </Col>
            </Row>
          </>
        )}
      </AsyncState>
    </>
  );
}
