import { useQuery } from '@tanstack/react-query';
import { Table } from 'react-bootstrap';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { date } from '../../lib/format';
import { useI18n } from '../../lib/i18n';

export function UsersPage() {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['users'],
    queryFn: async () => unwrap(await api.GET('/api/v1/users', { params: { query: { per_page: 200 } } })),
  });
  const items = q.data?.items ?? [];
  return (
    <>
      <h1 className="h3">{t('admin.users')}</h1>
      <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={items.length === 0} onRetry={() => q.refetch()}>
        <Table size="sm" responsive>
          <thead>
            <tr>
              <th>{t('cust.name')}</th>
              <th>{t('cust.email')}</th>
              <th>{t('admin.role')}</th>
              <th>{t('admin.active')}</th>
              <th>{t('cust.created')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>{u.role}</td>
                <td>{u.active ? '✓' : '—'}</td>
                <td>{date(u.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </AsyncState>
    </>
  );
}
