import { useState } from 'react';
import { Button, Form, Table } from 'react-bootstrap';
import { Link, useSearchParams } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { money } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';
import { useProducts, type Product } from './hooks';
import { ProductEditDialog } from './ProductEditDialog';

export function ProductsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? '1');
  const list = useProducts(q, page);
  const [editing, setEditing] = useState<Product | null>(null);
  const items = list.data?.items ?? [];
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / 25));
  const writable = can(user?.role, 'products:write');
  return (
    <>
      <h1 className="h3">{t('nav.products')}</h1>
      <Form.Control
        className="mb-2"
        aria-label={t('cust.search')}
        placeholder={t('prod.search')}
        defaultValue={q}
        onKeyDown={(e) => {
          if (e.key === 'Enter') setParams({ q: (e.target as HTMLInputElement).value });
        }}
      />
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <Table size="sm" hover responsive>
          <thead>
            <tr>
              <th>SKU</th>
              <th>{t('cust.name')}</th>
              <th className="text-end">{t('prod.price')}</th>
              <th>{t('admin.active')}</th>
              {writable && <th />}
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <td>{p.sku}</td>
                <td>
                  <Link to={`/products/${p.id}/related`} title={t('rel.title')}>
                    {p.name}
                  </Link>
                </td>
                <td className="text-end">{money(p.price)}</td>
                <td>{p.active ? '✓' : '—'}</td>
                {writable && (
                  <td>
                    <Button size="sm" variant="link" onClick={() => setEditing(p)}>
                      {t('cust.edit')}
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
        <div className="d-flex gap-2 align-items-center">
          <Button size="sm" variant="outline-secondary" disabled={page <= 1} onClick={() => setParams({ q, page: String(page - 1) })}>
            ‹
          </Button>
          <span className="small">
            {page} / {pages}
          </span>
          <Button size="sm" variant="outline-secondary" disabled={page >= pages} onClick={() => setParams({ q, page: String(page + 1) })}>
            ›
          </Button>
        </div>
      </AsyncState>
      {editing && <ProductEditDialog product={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
