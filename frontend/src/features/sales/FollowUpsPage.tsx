import { useQuery } from '@tanstack/react-query';
import { Card, Col, ListGroup, Row } from 'react-bootstrap';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { dateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';

function Section({ title, items }: { title: string; items: { key: number; text: string; when?: string | null }[] }) {
  return (
    <Col md={6} lg={3} className="mb-3">
      <Card>
        <Card.Header>
          {title} ({items.length})
        </Card.Header>
        <ListGroup variant="flush">
          {items.length === 0 && <ListGroup.Item className="text-muted">—</ListGroup.Item>}
          {items.map((i) => (
            <ListGroup.Item key={i.key}>
              {i.text} {i.when && <small className="text-muted">{dateTime(i.when)}</small>}
            </ListGroup.Item>
          ))}
        </ListGroup>
      </Card>
    </Col>
  );
}

export function FollowUpsPage() {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ['follow-ups'], queryFn: async () => unwrap(await api.GET('/api/v1/follow-ups')) });
  const f = q.data;
  return (
    <>
      <h1 className="h3">{t('fu.title')}</h1>
      <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={!f} onRetry={() => q.refetch()}>
        {f && (
          <Row>
            <Section title={t('svc.overdue')} items={f.overdue.map((a) => ({ key: a.id, text: a.subject, when: a.due_at }))} />
            <Section title={t('fu.dueToday')} items={f.due_today.map((a) => ({ key: a.id, text: a.subject, when: a.due_at }))} />
            <Section title={`${t('fu.idleLeads')} (${f.idle_days} ${t('fu.days')})`} items={f.idle_leads.map((l) => ({ key: l.id, text: l.name, when: l.last_activity_at }))} />
            <Section title={t('fu.idleOpps')} items={f.idle_opportunities.map((o) => ({ key: o.id, text: o.title }))} />
          </Row>
        )}
      </AsyncState>
    </>
  );
}
