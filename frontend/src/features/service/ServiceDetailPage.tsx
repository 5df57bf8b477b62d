import { useState } from 'react';
import { Alert, Badge, Button, Card, Form, ListGroup } from 'react-bootstrap';
import { Link, useParams } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { dateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';
import { NEXT_STATUS, useServiceActions, useServiceRequest, useServiceTimeline } from './hooks';
import { SlaBadge } from './SlaBadge';

export function ServiceDetailPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const id = Number(useParams().id);
  const q = useServiceRequest(id);
  const timeline = useServiceTimeline(id);
  const { status, comment } = useServiceActions(id);
  const [text, setText] = useState('');
  const sr = q.data;
  const writable = can(user?.role, 'service:write');
  const updates = timeline.data ?? [];
  return (
    <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={!sr}>
      {sr && (
        <>
          <h1 className="h3">
            {sr.subject} <SlaBadge sr={sr} />
          </h1>
          <p>
            {t('svc.status')}: <Badge bg="info" data-testid="sr-status">{sr.status}</Badge> · {sr.priority} · {sr.channel} ·{' '}
            <Link to={`/customers/${sr.customer_id}`}>#{sr.customer_id}</Link> · {t('svc.due')} {dateTime(sr.due_at)}
          </p>
          {sr.description && <p>{sr.description}</p>}
          {(status.error || comment.error) && <Alert variant="danger">{(status.error ?? comment.error)?.message}</Alert>}
          {writable && (
            <div className="mb-3 d-flex flex-wrap gap-2">
              {(NEXT_STATUS[sr.status] ?? []).map((s) => (
                <Button key={s} size="sm" variant="outline-primary" disabled={status.isPending} onClick={() => status.mutate({ sr, status: s })}>
                  {t('svc.move')} {s}
                </Button>
              ))}
            </div>
          )}
          <Card>
            <Card.Header>{t('cust.timeline')}</Card.Header>
            <AsyncState isLoading={timeline.isLoading} error={timeline.error} isEmpty={updates.length === 0}>
              <ListGroup variant="flush">
                {updates.map((u) => (
                  <ListGroup.Item key={u.id}>
                    <Badge bg="secondary" className="me-2">{u.kind}</Badge>
                    {u.from_status && `${u.from_status} → ${u.to_status} `}
                    {u.body} <small className="text-muted">{u.author} · {dateTime(u.at)}</small>
                  </ListGroup.Item>
                ))}
              </ListGroup>
            </AsyncState>
            {writable && (
              <Card.Footer>
                <Form
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (text.trim()) comment.mutate(text.trim(), { onSuccess: () => setText('') });
                  }}
                  className="d-flex gap-2"
                >
                  <Form.Control aria-label={t('svc.comment')} placeholder={t('svc.comment')} value={text} onChange={(e) => setText(e.target.value)} />
                  <Button type="submit">{t('form.save')}</Button>
                </Form>
              </Card.Footer>
            )}
          </Card>
        </>
      )}
    </AsyncState>
  );
}
