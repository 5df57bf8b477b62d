import { useQuery } from '@tanstack/react-query';
import { Table } from 'react-bootstrap';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { money } from '../../lib/format';
import { useI18n } from '../../lib/i18n';

export function OrderDetailPage() {
  const { t } = useI18n();
  const id = Number(useParams().id);
  const q = useQuery({
    queryKey: ['order', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/orders/{id}', { params: { path: { id } } })),
  });
  const o = q.data;
  return (
    <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={!o}>
      {o && (
        <>
          <h1 className="h3">{o.number}</h1>
          <p>
            {o.order_date} · {o.status} · <Link to={`/customers/${o.customer_id}`}>{t('ord.customer')} #{o.customer_id}</Link>
          </p>
          <Table size="sm" responsive>
            <tbody>
              {o.lines.map((l, i) => (
                <tr key={i}>
                  <td>{l.description}</td>
                  <td className="text-end">{l.quantity}</td>
                  <td className="text-end">{money(l.unit_price, o.currency)}</td>
                  <td className="text-end">{money(l.line_total, o.currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th colSpan={3}>{t('quote.tax')}</th>
                <td className="text-end">{money(o.tax_total, o.currency)}</td>
              </tr>
              <tr>
                <th colSpan={3}>{t('quote.total')}</th>
                <th className="text-end">{money(o.total_amount, o.currency)}</th>
              </tr>
            </tfoot>
          </Table>
        </>
      )}
    </AsyncState>
  );
}
