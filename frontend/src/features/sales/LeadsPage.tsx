import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Form, Table } from 'react-bootstrap';
import { useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { date } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';
import type { operations } from '../../api/schema';

const STATUSES = ['', 'new', 'contacted', 'qualified', 'disqualified', 'converted'];

export function LeadsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const q = params.get('q') ?? '';
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  const list = useQuery({
    queryKey: ['leads', status, q],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/leads', {
          params: { query: { status: (status || undefined) as NonNullable<operations['list_leads']['parameters']['query']>['status'], q: q || undefined, per_page: 50 } },
        }),
      ),
  });
  const convert = useMutation({
    mutationFn: async (id: number) => unwrap(await api.POST('/api/v1/leads/{id}/convert', { params: { path: { id } }, body: {} })),
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: ['leads'] });
      navigate(`/customers/${r.customer.id}`);
    },
  });
  const items = list.data?.items ?? [];
  const writable = can(user?.role, 'leads:write');
  return (
    <>
      <h1 className="h3">{t('nav.leads')}</h1>
      <div className="d-flex flex-wrap gap-2 mb-2">
        <Form.Control
          type="search"
          className="w-auto"
          aria-label={t('lead.search')}
          placeholder={t('lead.search')}
          defaultValue={q}
          onKeyDown={(e) => {
            if (e.key === 'Enter') setParam('q', e.currentTarget.value.trim());
          }}
        />
        <Form.Select className="w-auto" aria-label={t('svc.status')} value={status} onChange={(e) => setParam('status', e.target.value)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s || t('svc.all')}
            </option>
          ))}
        </Form.Select>
      </div>
      {convert.error && <Alert variant="danger">{convert.error.message}</Alert>}
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <Table size="sm" hover responsive>
          <thead>
            <tr>
              <th>{t('cust.name')}</th>
              <th className="d-none d-md-table-cell">{t('cust.company')}</th>
              <th>{t('svc.status')}</th>
              <th className="d-none d-md-table-cell">{t('cust.created')}</th>
              {writable && <th />}
            </tr>
          </thead>
          <tbody>
            {items.map((l) => (
              <tr key={l.id}>
                <td>{l.name}</td>
                <td className="d-none d-md-table-cell">{l.company}</td>
                <td>
                  <Badge bg="secondary">{l.status}</Badge>
                </td>
                <td className="d-none d-md-table-cell">{date(l.created_at)}</td>
                {writable && (
                  <td>
                    {/* The lead status table converts qualified leads only. */}
                    {l.status === 'qualified' && (
                      <Button size="sm" variant="outline-success" disabled={convert.isPending} onClick={() => convert.mutate(l.id)}>
                        {t('lead.convert')}
                      </Button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      </AsyncState>
    </>
  );
}
