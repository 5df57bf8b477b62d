import { useQuery } from '@tanstack/react-query';
import { Button, Table } from 'react-bootstrap';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { money } from '../../lib/format';
import { useI18n } from '../../lib/i18n';

export function OrdersPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const cursor = params.get('cursor') ?? '';
  const q = useQuery({
    queryKey: ['orders', cursor],
    queryFn: async () => unwrap(await api.GET('/api/v1/orders', { params: { query: { cursor, per_page: 25 } } })),
  });
  const items = q.data?.items ?? [];
  return (
    <>
      <h1 className="h3">{t('nav.orders')}</h1>
      <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={items.length === 0} onRetry={() => q.refetch()}>
        <Table size="sm" hover responsive>
          <thead>
            <tr>
              <th>#</th>
              <th>{t('ord.date')}</th>
              <th>{t('svc.status')}</th>
              <th className="text-end">{t('quote.total')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id}>
                <td>
                  <Link to={`/orders/${o.id}`}>{o.number}</Link>
                </td>
                <td>{o.order_date}</td>
                <td>{o.status}</td>
                <td className="text-end">{money(o.total_amount, o.currency)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
        <div className="d-flex gap-2">
          {cursor && (
            <Button size="sm" variant="outline-secondary" onClick={() => setParams({})}>
              {t('cust.first')}
            </Button>
          )}
          {q.data?.next_cursor && (
            <Button size="sm" variant="outline-secondary" onClick={() => setParams({ cursor: q.data.next_cursor ?? '' })}>
              {t('cust.next')}
            </Button>
          )}
        </div>
      </AsyncState>
    </>
  );
}
