import { useQuery } from '@tanstack/react-query';
import { Badge, Form, Table } from 'react-bootstrap';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { money, percent } from '../../lib/format';
import { useI18n } from '../../lib/i18n';

/** Products bought together with one product (same order or same customer), by lift. */
export function RelatedProductsPage() {
  const { t } = useI18n();
  const id = Number(useParams().id);
  const [params, setParams] = useSearchParams();
  const minOrders = Number(params.get('min_orders') ?? '2');
  const product = useQuery({
    queryKey: ['product', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/products/{id}', { params: { path: { id } } })),
  });
  const related = useQuery({
    queryKey: ['product', id, 'related', minOrders],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/products/{id}/related', { params: { path: { id }, query: { limit: 20, min_orders: minOrders, min_customers: minOrders } } })),
  });
  const items = related.data ?? [];
  return (
    <>
      <h1 className="h3">
        <Link to="/products" className="text-decoration-none">
          {t('nav.products')}
        </Link>{' '}
        / {product.data ? `${product.data.sku} · ${product.data.name}` : '…'}
      </h1>
      <div className="d-flex flex-wrap align-items-center gap-2 mb-2">
        <h2 className="h5 mb-0 me-auto">{t('rel.title')}</h2>
        <Form.Group controlId="rel-min" className="d-flex align-items-center gap-2">
          <Form.Label className="small mb-0 text-nowrap">{t('rel.minSupport')}</Form.Label>
          <Form.Select size="sm" className="w-auto" value={minOrders} onChange={(e) => setParams({ min_orders: e.target.value })}>
            {[1, 2, 3, 5, 10].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </Form.Select>
        </Form.Group>
      </div>
      <AsyncState isLoading={related.isLoading} error={related.error} isEmpty={items.length === 0} onRetry={() => related.refetch()}>
        <Table size="sm" hover responsive data-testid="related-table">
          <thead>
            <tr>
              <th>SKU</th>
              <th>{t('cust.name')}</th>
              <th className="d-none d-md-table-cell">{t('rel.reason')}</th>
              <th className="text-end">{t('rel.lift')}</th>
              <th className="text-end d-none d-sm-table-cell">{t('rel.support')}</th>
              <th className="text-end d-none d-sm-table-cell">{t('rel.together')}</th>
              <th className="text-end">{t('prod.price')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={`${r.product_id}-${r.kind}`}>
                <td>{r.sku}</td>
                <td>
                  <Link to={`/products/${r.product_id}/related`}>{r.name}</Link>{' '}
                  <Badge bg={r.kind === 'same_order' ? 'primary' : 'secondary'}>{t(r.kind === 'same_order' ? 'rel.sameOrder' : 'rel.sameCustomer')}</Badge>
                </td>
                <td className="d-none d-md-table-cell small text-muted">{r.reason}</td>
                <td className="text-end">{r.lift.toFixed(2)}</td>
                <td className="text-end d-none d-sm-table-cell">{percent(r.support)}</td>
                <td className="text-end d-none d-sm-table-cell">{r.kind === 'same_order' ? r.orders_together : r.customers_together}</td>
                <td className="text-end">{money(r.price)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </AsyncState>
    </>
  );
}
