import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Modal, Table } from 'react-bootstrap';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { etagOf } from '../../lib/etag';
import { dateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { AdminTabs } from './AdminTabs';
import { WebhookDialog } from './WebhookDialog';

type Webhook = Schemas['Webhook'];

export function WebhooksPage() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['webhooks'], queryFn: async () => unwrap(await api.GET('/api/v1/webhooks')) });
  // null: a new subscription; undefined: no dialog.
  const [editing, setEditing] = useState<Webhook | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  // The secret lives only in this state: the API keeps a hash, a reload loses it for good.
  const [secret, setSecret] = useState<string | null>(null);
  const enable = useMutation({
    mutationFn: async (w: Webhook) =>
      unwrap(
        await api.PATCH('/api/v1/webhooks/{id}', {
          params: { path: { id: w.id }, header: { 'If-Match': etagOf(w.version) } },
          body: { active: true },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ['webhooks'] }),
  });
  const remove = useMutation({
    mutationFn: async (w: Webhook) =>
      unwrap(
        await api.DELETE('/api/v1/webhooks/{id}', {
          params: { path: { id: w.id }, header: { 'If-Match': etagOf(w.version) } },
        }),
      ),
    onSuccess: () => setDeleting(null),
    onSettled: () => qc.invalidateQueries({ queryKey: ['webhooks'] }),
  });
  const items = list.data?.items ?? [];
  const error = enable.error ?? remove.error;
  return (
    <>
      <div className="d-flex align-items-center mb-2">
        <h1 className="h3 mb-0 me-auto">{t('admin.webhooks')}</h1>
        <Button size="sm" onClick={() => setEditing(null)}>
          {t('wh.new')}
        </Button>
      </div>
      <AdminTabs />
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(null)} />}
      {error && <Alert variant="danger">{error.message}</Alert>}
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <Table size="sm" responsive hover>
          <thead>
            <tr>
              <th>{t('wh.url')}</th>
              <th>{t('wh.events')}</th>
              <th>{t('wh.active')}</th>
              <th className="d-none d-md-table-cell">{t('wh.created')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((w) => (
              <tr key={w.id} className={w.active ? undefined : 'text-muted'}>
                <td className="text-break">
                  <code>{w.url}</code>
                  {w.description && <div className="small">{w.description}</div>}
                </td>
                <td>
                  {w.events.map((e) => (
                    <Badge key={e} bg="secondary" className="me-1 fw-normal">
                      {e}
                    </Badge>
                  ))}
                </td>
                <td>
                  {w.active ? (
                    '✓'
                  ) : (
                    <>
                      —
                      {w.disabled_reason && (
                        <div className="small text-danger">
                          {t('wh.disabledReason')}: {w.disabled_reason}
                        </div>
                      )}
                      <Button size="sm" variant="outline-success" className="mt-1 d-block" disabled={enable.isPending} onClick={() => enable.mutate(w)}>
                        {t('wh.enable')}
                      </Button>
                    </>
                  )}
                </td>
                <td className="d-none d-md-table-cell">{dateTime(w.created_at)}</td>
                <td className="text-nowrap">
                  <Link className="btn btn-sm btn-link" to={`/admin/webhooks/${w.id}/deliveries`}>
                    {t('wh.deliveries')}
                  </Link>
                  <Button size="sm" variant="link" onClick={() => setEditing(w)}>
                    {t('cust.edit')}
                  </Button>
                  <Button size="sm" variant="link" className="text-danger" onClick={() => setDeleting(w)}>
                    {t('wh.delete')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </AsyncState>
      {editing !== undefined && <WebhookDialog webhook={editing} onClose={() => setEditing(undefined)} onCreated={(c) => setSecret(c.secret)} />}
      {deleting && (
        <Modal show onHide={() => setDeleting(null)}>
          <Modal.Header closeButton>
            <Modal.Title>{t('wh.delete')}</Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <p>{t('wh.deleteConfirm')}</p>
            <code className="text-break">{deleting.url}</code>
          </Modal.Body>
          <Modal.Footer>
            <Button variant="link" onClick={() => setDeleting(null)}>
              {t('form.cancel')}
            </Button>
            <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate(deleting)}>
              {t('wh.delete')}
            </Button>
          </Modal.Footer>
        </Modal>
      )}
    </>
  );
}

/** The signing secret of a new subscription, with a copy button, until the admin dismisses it. */
function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Alert variant="warning" data-testid="new-secret">
      <Alert.Heading className="h6">{t('wh.secretTitle')}</Alert.Heading>
      <p className="mb-2">{t('wh.secretWarning')}</p>
      <div className="d-flex flex-wrap align-items-center gap-2">
        <code className="text-break user-select-all" data-testid="secret-value">
          {secret}
        </code>
        <Button size="sm" variant="outline-dark" onClick={copy}>
          {copied ? t('wh.copied') : t('wh.copy')}
        </Button>
        <Button size="sm" variant="warning" onClick={onDone}>
          {t('wh.done')}
        </Button>
      </div>
      {copied === false && <div className="small mt-2">{t('wh.copyFailed')}</div>}
    </Alert>
  );
}
