import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Table } from 'react-bootstrap';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { date } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { AdminTabs } from './AdminTabs';
import { UserDialog } from './UserDialog';

export function UsersPage() {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['users'],
    queryFn: async () => unwrap(await api.GET('/api/v1/users', { params: { query: { per_page: 200 } } })),
  });
  // null: a new user; undefined: no dialog.
  const [editing, setEditing] = useState<Schemas['User'] | null | undefined>(undefined);
  const items = q.data?.items ?? [];
  return (
    <>
      <div className="d-flex align-items-center mb-2">
        <h1 className="h3 mb-0 me-auto">{t('admin.users')}</h1>
        <Button size="sm" onClick={() => setEditing(null)}>
          {t('admin.newUser')}
        </Button>
      </div>
      <AdminTabs />
      <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={items.length === 0} onRetry={() => q.refetch()}>
        <Table size="sm" responsive hover>
          <thead>
            <tr>
              <th>{t('cust.name')}</th>
              <th className="d-none d-sm-table-cell">{t('cust.email')}</th>
              <th>{t('admin.role')}</th>
              <th>{t('admin.active')}</th>
              <th className="d-none d-md-table-cell">{t('cust.created')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.id} className={u.active ? undefined : 'text-muted'}>
                <td>{u.name}</td>
                <td className="d-none d-sm-table-cell">{u.email}</td>
                <td>{t(`role.${u.role}`)}</td>
                <td>{u.active ? '✓' : '—'}</td>
                <td className="d-none d-md-table-cell">{date(u.created_at)}</td>
                <td>
                  <Button size="sm" variant="link" onClick={() => setEditing(u)}>
                    {t('cust.edit')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </AsyncState>
      {editing !== undefined && <UserDialog user={editing} onClose={() => setEditing(undefined)} />}
    </>
  );
}
