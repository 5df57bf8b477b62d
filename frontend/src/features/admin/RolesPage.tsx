import { useQuery } from '@tanstack/react-query';
import { Badge, Table } from 'react-bootstrap';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { useI18n, type Key } from '../../lib/i18n';
import { AdminTabs } from './AdminTabs';

// On a phone the five role columns scroll sideways while the action names stay in view.
const sticky = { position: 'sticky', left: 0, zIndex: 1, background: 'var(--bs-body-bg)' } as const;

/** The role × action matrix, read from the server rather than from the SPA's own copy. */
export function RolesPage() {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ['roles'], queryFn: async () => unwrap(await api.GET('/api/v1/roles')), staleTime: 5 * 60_000 });
  const roles = q.data?.roles ?? [];
  const perms = q.data?.permissions ?? [];
  const roleLabel = (r: string) => (['admin', 'manager', 'sales', 'marketing', 'support'].includes(r) ? t(`role.${r}` as Key) : r);
  return (
    <>
      <h1 className="h3">{t('admin.roles')}</h1>
      <AdminTabs />
      <p className="text-muted small">{t('roles.intro')}</p>
      <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={perms.length === 0} onRetry={() => q.refetch()}>
        <Table size="sm" responsive bordered className="text-center small" data-testid="role-matrix">
          <thead>
            <tr>
              <th scope="col" className="text-start" style={sticky}>
                {t('roles.action')}
              </th>
              {roles.map((r) => (
                <th scope="col" key={r}>
                  {roleLabel(r)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {perms.map((p) => (
              <tr key={p.action}>
                <th scope="row" className="text-start text-nowrap fw-normal" style={sticky}>
                  <code>{p.action}</code>
                </th>
                {roles.map((r) => {
                  const scope = p.grants.find((g) => g.role === r)?.scope;
                  return (
                    <td key={r} data-role={r}>
                      {scope === 'all' ? (
                        <Badge bg="success">{t('roles.all')}</Badge>
                      ) : scope === 'own' ? (
                        <Badge bg="warning" text="dark">
                          {t('roles.own')}
                        </Badge>
                      ) : scope ? (
                        scope
                      ) : (
                        <span className="text-muted">{t('roles.none')}</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </Table>
      </AsyncState>
    </>
  );
}
