import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Form, Table } from 'react-bootstrap';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { dateTime } from '../../lib/format';
import { useI18n, type Key } from '../../lib/i18n';
import { AdminTabs } from './AdminTabs';
import { DELIVERY_STATUSES } from './webhookEvents';

const PER_PAGE = 50;
const BADGE: Record<string, string> = { queued: 'info', sending: 'primary', delivered: 'success', failed: 'danger', cancelled: 'secondary' };

export function WebhookDeliveriesPage() {
  const { t } = useI18n();
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const hook = useQuery({
    queryKey: ['webhooks', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/webhooks/{id}', { params: { path: { id } } })),
  });
  const list = useQuery({
    queryKey: ['webhooks', id, 'deliveries', status, page],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/webhooks/{id}/deliveries', {
          params: { path: { id }, query: { status: (status || undefined) as (typeof DELIVERY_STATUSES)[number] | undefined, page, per_page: PER_PAGE } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const redeliver = useMutation({
    mutationFn: async (deliveryId: number) =>
      unwrap(
        await api.POST('/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver', {
          params: { path: { id, delivery_id: deliveryId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['webhooks', id, 'deliveries'] }),
  });
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? null;
  const hasNext = total !== null ? page * PER_PAGE < total : items.length === PER_PAGE;
  const statusLabel = (s: string) => ((DELIVERY_STATUSES as readonly string[]).includes(s) ? t(`wh.st.${s}` as Key) : s);
  return (
    <>
      <h1 className="h3">{t('wh.deliveries')}</h1>
      <AdminTabs />
      <p className="mb-2">
        <Link to="/admin/webhooks">← {t('wh.back')}</Link>
        {hook.data && (
          <>
            {' · '}
            <code className="text-break">{hook.data.url}</code>
            {!hook.data.active && <Badge bg="secondary" className="ms-2">{t('wh.active')}: —</Badge>}
          </>
        )}
      </p>
      <Form.Select
        aria-label={t('wh.status')}
        className="mb-3"
        style={{ maxWidth: 220 }}
        value={status}
        onChange={(e) => {
          setStatus(e.target.value);
          setPage(1);
        }}
      >
        <option value="">{t('wh.anyStatus')}</option>
        {DELIVERY_STATUSES.map((s) => (
          <option key={s} value={s}>
            {statusLabel(s)}
          </option>
        ))}
      </Form.Select>
      {redeliver.error && <Alert variant="danger">{redeliver.error.message}</Alert>}
      {redeliver.data && (
        <Alert variant="success" data-testid="redelivered">
          {t('wh.redelivered')} #{redeliver.data.id}
        </Alert>
      )}
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <Table size="sm" responsive hover data-testid="deliveries">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('wh.event')}</th>
              <th>{t('wh.status')}</th>
              <th>{t('wh.attempts')}</th>
              <th>{t('wh.responseCode')}</th>
              <th>{t('wh.lastError')}</th>
              <th className="d-none d-md-table-cell">{t('wh.created')}</th>
              <th className="d-none d-md-table-cell">{t('wh.lastAttempt')}</th>
              <th className="d-none d-lg-table-cell">{t('wh.nextAttempt')}</th>
              <th className="d-none d-lg-table-cell">{t('wh.delivered')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td>
                  {d.id}
                  {d.redelivery_of && <div className="small text-muted">↻ #{d.redelivery_of}</div>}
                </td>
                <td>
                  <code>{d.event_type}</code>
                </td>
                <td>
                  <Badge bg={BADGE[d.status] ?? 'secondary'}>{statusLabel(d.status)}</Badge>
                </td>
                <td>{d.attempts}</td>
                <td>{d.response_code ?? '—'}</td>
                <td className="small text-break">{d.last_error ?? '—'}</td>
                <td className="d-none d-md-table-cell">{dateTime(d.created_at)}</td>
                <td className="d-none d-md-table-cell">{dateTime(d.last_attempt_at)}</td>
                <td className="d-none d-lg-table-cell">{dateTime(d.next_attempt_at)}</td>
                <td className="d-none d-lg-table-cell">{dateTime(d.delivered_at)}</td>
                <td>
                  <Button size="sm" variant="outline-primary" disabled={redeliver.isPending} onClick={() => redeliver.mutate(d.id)}>
                    {t('wh.redeliver')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
        <div className="d-flex gap-2">
          <Button size="sm" variant="outline-secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            {t('wh.prev')}
          </Button>
          <Button size="sm" variant="outline-secondary" disabled={!hasNext} onClick={() => setPage(page + 1)}>
            {t('wh.next')}
          </Button>
        </div>
      </AsyncState>
    </>
  );
}
