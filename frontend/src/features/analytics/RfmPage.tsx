import { useQuery } from '@tanstack/react-query';
import { Table } from 'react-bootstrap';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { money, percent } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import type { operations } from '../../api/schema';

/** Segment sizes and revenue; choosing a segment lists its customers. */
export function RfmPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const segment = params.get('segment') ?? '';
  const segs = useQuery({ queryKey: ['rfm'], queryFn: async () => unwrap(await api.GET('/api/v1/analytics/rfm')) });
  const drill = useQuery({
    queryKey: ['rfm', segment],
    enabled: segment !== '',
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/analytics/rfm/customers', { params: { query: { segment: segment as NonNullable<operations['rfm_customers']['parameters']['query']>['segment'], per_page: 50 } } })),
  });
  const items = segs.data ?? [];
  const customers = drill.data?.items ?? [];
  return (
    <>
      <h1 className="h3">{t('rfm.title')}</h1>
      <AsyncState isLoading={segs.isLoading} error={segs.error} isEmpty={items.length === 0} onRetry={() => segs.refetch()}>
        <Table size="sm" hover responsive>
          <thead>
            <tr>
              <th>{t('rfm.segment')}</th>
              <th className="text-end">{t('nav.customers')}</th>
              <th className="text-end">{t('rfm.share')}</th>
              <th className="text-end">{t('fc.revenue')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.segment} role="button" className={s.segment === segment ? 'table-active' : ''} onClick={() => setParams({ segment: s.segment })}>
                <td>{s.segment}</td>
                <td className="text-end">{s.customers}</td>
                <td className="text-end">{percent(s.share)}</td>
                <td className="text-end">{money(s.revenue)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </AsyncState>
      {segment && (
        <>
          <h2 className="h5">{segment}</h2>
          <AsyncState isLoading={drill.isLoading} error={drill.error} isEmpty={customers.length === 0}>
            <Table size="sm" responsive>
              <tbody>
                {customers.map((c) => (
                  <tr key={c.customer_id}>
                    <td>
                      <Link to={`/customers/${c.customer_id}`}>{c.name}</Link>
                    </td>
                    <td>
                      R{c.r_score} F{c.f_score} M{c.m_score}
                    </td>
                    <td className="text-end">{money(c.monetary)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </AsyncState>
        </>
      )}
    </>
  );
}
