import { Table } from 'react-bootstrap';
import { Link } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { dateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';
import { MarketingTabs } from './MarketingTabs';
import { useSegments } from './hooks';

export function SegmentsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const list = useSegments();
  const items = list.data?.items ?? [];
  return (
    <>
      <div className="d-flex flex-wrap align-items-center gap-2 mb-2">
        <h1 className="h3 mb-0 me-auto">{t('nav.marketing')}</h1>
        {can(user?.role, 'marketing:write') && (
          <Link className="btn btn-primary btn-sm" to="/marketing/segments/new">
            {t('seg.new')}
          </Link>
        )}
      </div>
      <MarketingTabs />
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <Table size="sm" hover responsive>
          <thead>
            <tr>
              <th>{t('seg.name')}</th>
              <th className="d-none d-md-table-cell">{t('seg.description')}</th>
              <th className="d-none d-sm-table-cell">{t('seg.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/marketing/segments/${s.id}`}>{s.name}</Link>
                </td>
                <td className="d-none d-md-table-cell text-muted">{s.description}</td>
                <td className="d-none d-sm-table-cell">{dateTime(s.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </AsyncState>
    </>
  );
}
