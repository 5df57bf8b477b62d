import { useState, type FormEvent } from 'react';
import { Button, Col, Form, Row } from 'react-bootstrap';
import { Link, useSearchParams } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';
import { CustomerTable } from './CustomerTable';
import { useCustomers } from './hooks';
import { ImportDialog } from './ImportDialog';
import { exportCustomers } from './importExport';

/** Search, filter, sort and cursor live in the URL so a list can be shared and reloaded. */
export function CustomerListPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const filter = {
    q: params.get('q') ?? '',
    city: params.get('city') ?? '',
    sort: params.get('sort') ?? '-created_at',
    cursor: params.get('cursor') ?? '',
  };
  const [draft, setDraft] = useState({ q: filter.q, city: filter.city });
  const list = useCustomers(filter);

  function update(next: Partial<typeof filter>) {
    const merged = { ...filter, cursor: '', ...next };
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(merged)) if (v && !(k === 'sort' && v === '-created_at')) p.set(k, v);
    setParams(p);
  }

  function search(e: FormEvent) {
    e.preventDefault();
    update(draft);
  }

  const exportQuery = new URLSearchParams();
  if (filter.q) exportQuery.set('q', filter.q);
  if (filter.city) exportQuery.set('city', filter.city);

  return (
    <>
      <div className="d-flex flex-wrap gap-2 align-items-center mb-2">
        <h1 className="h3 me-auto">{t('nav.customers')}</h1>
        {can(user?.role, 'customers:write') && (
          <Link className="btn btn-primary btn-sm" to="/customers/new">
            {t('cust.new')}
          </Link>
        )}
        {can(user?.role, 'customers:import') && <ImportDialog />}
        <ExportButton query={exportQuery.toString()} />
      </div>
      <Form onSubmit={search} className="mb-2" role="search">
        <Row className="g-2">
          <Col xs={12} md={6}>
            <Form.Control
              placeholder={t('cust.search')}
              aria-label={t('cust.search')}
              value={draft.q}
              onChange={(e) => setDraft({ ...draft, q: e.target.value })}
            />
          </Col>
          <Col xs={8} md={4}>
            <Form.Control
              placeholder={t('cust.city')}
              aria-label={t('cust.city')}
              value={draft.city}
              onChange={(e) => setDraft({ ...draft, city: e.target.value })}
            />
          </Col>
          <Col xs={4} md={2}>
            <Button type="submit" variant="secondary" className="w-100">
              🔍
            </Button>
          </Col>
        </Row>
      </Form>
      <AsyncState
        isLoading={list.isLoading}
        error={list.error}
        isEmpty={list.data?.items.length === 0}
        onRetry={() => list.refetch()}
      >
        <CustomerTable
          items={list.data?.items ?? []}
          sort={filter.sort}
          onSort={(f) => update({ sort: filter.sort === f ? `-${f}` : f })}
        />
        <div className="d-flex gap-2">
          {filter.cursor && (
            <Button size="sm" variant="outline-secondary" onClick={() => update({})}>
              {t('cust.first')}
            </Button>
          )}
          {list.data?.next_cursor && (
            <Button size="sm" variant="outline-secondary" onClick={() => update({ cursor: list.data.next_cursor ?? '' })}>
              {t('cust.next')}
            </Button>
          )}
        </div>
      </AsyncState>
    </>
  );
}

/** The export needs the bearer token, so it is fetched and handed over as a blob. */
function ExportButton({ query }: { query: string }) {
  const { t } = useI18n();
  return (
    <Button
      size="sm"
      variant="outline-secondary"
      onClick={async () => {
        await exportCustomers(query);
      }}
    >
      {t('cust.export')}
    </Button>
  );
}
