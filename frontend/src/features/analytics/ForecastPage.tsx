import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Table } from 'react-bootstrap';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { money } from '../../lib/format';
import { ForecastChart } from './ForecastChart';
import { useI18n } from '../../lib/i18n';

export function ForecastPage() {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['forecast'],
    queryFn: async () => unwrap(await api.GET('/api/v1/analytics/forecast', { params: { query: { horizon: 6 } } })),
  });
  const f = q.data;
  return (
    <>
      <h1 className="h3">{t('fc.title')}</h1>
      <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={!f} onRetry={() => q.refetch()}>
        {f && (
          <Row>
            <Col lg={8} className="mb-3">
              <Card body>
                <ForecastChart f={f} />
              </Card>
            </Col>
            <Col lg={4}>
              <Card body className="mb-3">
                <div>R² {f.r_squared.toFixed(3)} · {t('fc.adj')} {f.adj_r_squared.toFixed(3)}</div>
                <div>
                  {t('fc.rse')} {money(f.residual_std_error.toFixed(2))}</div>
                {f.backtest && (
                  <div data-testid="backtest">
                    {t('fc.backtest')} ({f.backtest.points} {t('fc.points')}): RMSE {money(f.backtest.rmse.toFixed(2))}
                    {f.backtest.mape != null && `, MAPE ${f.backtest.mape.toFixed(1)}%`}
                  </div>
                )}
              </Card>
              <Table size="sm">
                <thead>
                  <tr>
                    <th>{t('fc.coefficient')}</th>
                    <th className="text-end">{t('fc.estimate')}</th>
                    <th className="text-end">{t('fc.stdError')}</th>
                  </tr>
                </thead>
                <tbody>
                  {f.coefficients.map((c) => (
                    <tr key={c.name}>
                      <td>{c.name}</td>
                      <td className="text-end">{c.estimate.toFixed(2)}</td>
                      <td className="text-end">{c.std_error.toFixed(2)}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            </Col>
          </Row>
        )}
      </AsyncState>
    </>
  );
}
