import { Nav, Table } from 'react-bootstrap';
import { Link, useSearchParams } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { dateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useSession } from '../auth/useSession';
import { useServiceQueue, type Queue } from './hooks';
import { SlaBadge } from './SlaBadge';

const QUEUES: { key: Queue; label: 'svc.mine' | 'svc.unassigned' | 'svc.overdue' | 'svc.all' }[] = [
  { key: 'mine', label: 'svc.mine' },
  { key: 'unassigned', label: 'svc.unassigned' },
  { key: 'overdue', label: 'svc.overdue' },
  { key: 'all', label: 'svc.all' },
];

export function ServiceQueuePage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const queue = (params.get('queue') as Queue | null) ?? 'all';
  const list = useServiceQueue(queue, user?.id);
  const items = list.data?.items ?? [];
  return (
    <>
      <h1 className="h3">{t('nav.service')}</h1>
      <Nav variant="tabs" activeKey={queue} onSelect={(k) => setParams({ queue: k ?? 'all' })} className="mb-2">
        {QUEUES.map((q) => (
          <Nav.Item key={q.key}>
            <Nav.Link eventKey={q.key}>{t(q.label)}</Nav.Link>
          </Nav.Item>
        ))}
      </Nav>
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <Table hover responsive size="sm">
          <thead>
            <tr>
              <th>{t('svc.subject')}</th>
              <th>{t('svc.status')}</th>
              <th>SLA</th>
              <th className="d-none d-md-table-cell">{t('svc.due')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/service/${s.id}`}>{s.subject}</Link>
                </td>
                <td>{s.status}</td>
                <td>
                  <SlaBadge sr={s} />
                </td>
                <td className="d-none d-md-table-cell">{dateTime(s.due_at)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </AsyncState>
    </>
  );
}
