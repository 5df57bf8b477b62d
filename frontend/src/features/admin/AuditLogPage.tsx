import { useQuery } from '@tanstack/react-query';
import { Button, Table } from 'react-bootstrap';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { dateTime } from '../../lib/format';
import { AdminTabs } from './AdminTabs';
import { useI18n } from '../../lib/i18n';

export function AuditLogPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const page = Number(params.get('page') ?? '1');
  const q = useQuery({
    queryKey: ['audit', page],
    queryFn: async () => unwrap(await api.GET('/api/v1/audit-log', { params: { query: { page, per_page: 50 } } })),
  });
  const items = q.data?.items ?? [];
  const pages = Math.max(1, Math.ceil((q.data?.total ?? 0) / 50));
  return (
    <>
      <AdminTabs />
      <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={items.length === 0} onRetry={() => q.refetch()}>
        <Table size="sm" responsive>
          <thead>
            <tr>
              <th>{t('audit.when')}</th>
              <th>{t('audit.who')}</th>
              <th>{t('audit.action')}</th>
              <th>{t('audit.record')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>{dateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>
                  {e.entity} #{e.entity_id}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
        <div className="d-flex gap-2 align-items-center">
          <Button size="sm" variant="outline-secondary" disabled={page <= 1} onClick={() => setParams({ page: String(page - 1) })}>
            ‹
          </Button>
          <span className="small">
            {page} / {pages}
          </span>
          <Button size="sm" variant="outline-secondary" disabled={page >= pages} onClick={() => setParams({ page: String(page + 1) })}>
            ›
          </Button>
        </div>
      </AsyncState>
    </>
  );
}
