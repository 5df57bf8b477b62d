import { Button, Form, Table } from 'react-bootstrap';
import { Link, useSearchParams } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { date, money } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';
import { QUOTE_STATUSES, useQuotes } from './hooks';
import { StatusBadge } from './QuoteEditorPage';

export function QuotesPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const opportunity = params.get('opportunity');
  const page = Number(params.get('page') ?? '1');
  const list = useQuotes({ status, opportunityId: opportunity ? Number(opportunity) : undefined, page });
  const items = list.data?.items ?? [];
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / 25));
  const go = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };
  return (
    <>
      <div className="d-flex flex-wrap gap-2 align-items-center mb-2">
        <h1 className="h3 mb-0 me-auto">{t('nav.quotes')}</h1>
        {can(user?.role, 'quotes:write') && (
          <Link className="btn btn-primary btn-sm" to={opportunity ? `/quotes/new?opportunity=${opportunity}` : '/quotes/new'}>
            {t('quote.new')}
          </Link>
        )}
      </div>
      <div className="d-flex flex-wrap gap-2 mb-2">
        <Form.Select size="sm" className="w-auto" aria-label={t('svc.status')} value={status} onChange={(e) => go({ status: e.target.value, page: '' })}>
          <option value="">{t('svc.all')}</option>
          {QUOTE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`quote.status.${s}`)}
            </option>
          ))}
        </Form.Select>
        {opportunity && (
          <Button size="sm" variant="outline-secondary" onClick={() => go({ opportunity: '', page: '' })}>
            {t('quote.opportunity')} #{opportunity} ×
          </Button>
        )}
      </div>
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <Table size="sm" hover responsive>
          <thead>
            <tr>
              <th>{t('quote.number')}</th>
              <th>{t('svc.status')}</th>
              <th className="d-none d-sm-table-cell">{t('quote.customer')}</th>
              <th className="d-none d-md-table-cell">{t('quote.validUntil')}</th>
              <th className="text-end">{t('quote.total')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((q) => (
              <tr key={q.id}>
                <td>
                  <Link to={`/quotes/${q.id}`}>{q.number}</Link>
                </td>
                <td>
                  <StatusBadge status={q.status} />
                </td>
                <td className="d-none d-sm-table-cell">
                  <Link to={`/customers/${q.customer_id}`}>{q.customer_name}</Link>
                </td>
                <td className="d-none d-md-table-cell">{date(q.valid_until)}</td>
                <td className="text-end">{money(q.total, q.currency)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
        <div className="d-flex gap-2 align-items-center">
          <Button size="sm" variant="outline-secondary" disabled={page <= 1} onClick={() => go({ page: String(page - 1) })}>
            ‹
          </Button>
          <span className="small">
            {page} / {pages}
          </span>
          <Button size="sm" variant="outline-secondary" disabled={page >= pages} onClick={() => go({ page: String(page + 1) })}>
            ›
          </Button>
        </div>
      </AsyncState>
    </>
  );
}
