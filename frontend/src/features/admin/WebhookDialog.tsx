import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { Alert, Button, Form, Modal } from 'react-bootstrap';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { etagOf } from '../../lib/etag';
import { useI18n, type Key } from '../../lib/i18n';
import { eventGroups, WEBHOOK_EVENTS, type EventPattern } from './webhookEvents';

type Webhook = Schemas['Webhook'];
type WebhookCreated = Schemas['WebhookCreated'];

// Client checks catch the obvious; whether the host is public is the server's call (422 on `url`).
const schema = z.object({
  url: z
    .string()
    .trim()
    .min(1, { message: 'form.required' })
    .max(2000)
    .regex(/^https?:\/\/\S+$/i, { message: 'wh.urlInvalid' }),
  events: z.array(z.string()).min(1, { message: 'wh.eventsRequired' }),
  description: z.string().max(500),
  active: z.boolean(),
});
type Values = z.infer<typeof schema>;
const FIELDS = ['url', 'events', 'description', 'active'] as const;

interface Props {
  /** null: a new subscription. */
  webhook: Webhook | null;
  onClose: () => void;
  /** After a create: the answer carrying the secret, shown only this once. */
  onCreated?: (created: WebhookCreated) => void;
}

/** Creates a webhook subscription, or edits one (PATCH with If-Match). */
export function WebhookDialog({ webhook, onClose, onCreated }: Props) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: {
      url: webhook?.url ?? '',
      events: webhook?.events ?? [],
      description: webhook?.description ?? '',
      active: webhook?.active ?? true,
    },
  });
  // A stored pattern the list does not know still shows, so that an edit does not drop it.
  const known = new Set<string>(['*', ...WEBHOOK_EVENTS, ...eventGroups().map((g) => g.wildcard)]);
  const extra = (webhook?.events ?? []).filter((e) => !known.has(e));

  const submit = handleSubmit(async (v) => {
    const body = { url: v.url.trim(), events: v.events as EventPattern[], description: v.description.trim() || null, active: v.active };
    try {
      if (webhook) {
        unwrap(
          await api.PATCH('/api/v1/webhooks/{id}', {
            params: { path: { id: webhook.id }, header: { 'If-Match': etagOf(webhook.version) } },
            body,
          }),
        );
      } else {
        const created = unwrap(await api.POST('/api/v1/webhooks', { body }));
        onCreated?.(created);
      }
      qc.invalidateQueries({ queryKey: ['webhooks'] });
      onClose();
    } catch (e) {
      const fieldErrors = e instanceof ApiError ? e.fieldErrors() : {};
      let matched = false;
      for (const f of FIELDS) {
        if (fieldErrors[f]) {
          setError(f, { type: 'server', message: fieldErrors[f] });
          matched = true;
        }
      }
      if (!matched) setError('root', { type: 'server', message: (e as Error).message });
    }
  });

  const message = (m?: string) => (m && /^(form|wh)\./.test(m) ? t(m as Key) : m);
  const check = (value: string, label: string) => (
    <Form.Check
      key={value}
      type="checkbox"
      id={`wh-event-${value}`}
      value={value}
      label={label}
      isInvalid={!!errors.events}
      {...register('events')}
    />
  );

  return (
    <Modal show onHide={onClose} size="lg">
      <Form noValidate onSubmit={submit}>
        <Modal.Header closeButton>
          <Modal.Title>{webhook ? t('wh.edit') : t('wh.new')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {errors.root && <Alert variant="danger">{errors.root.message}</Alert>}
          <Form.Group className="mb-3" controlId="wh-url">
            <Form.Label>{t('wh.url')}</Form.Label>
            <Form.Control type="url" placeholder="https://" {...register('url')} isInvalid={!!errors.url} />
            <Form.Text>{t('wh.urlHelp')}</Form.Text>
            <Form.Control.Feedback type="invalid">{message(errors.url?.message)}</Form.Control.Feedback>
          </Form.Group>
          <fieldset className="mb-3" aria-describedby="wh-events-help">
            <legend className="form-label fs-6">{t('wh.events')}</legend>
            {check('*', t('wh.allEvents'))}
            <div className="row row-cols-1 row-cols-sm-2">
              {eventGroups().map((g) => (
                <div className="col mt-2" key={g.wildcard}>
                  {check(g.wildcard, g.wildcard)}
                  <div className="ms-3">{g.events.map((e) => check(e, e))}</div>
                </div>
              ))}
            </div>
            {extra.map((e) => check(e, e))}
            <Form.Text id="wh-events-help">{t('wh.eventsHelp')}</Form.Text>
            {errors.events && (
              <div className="invalid-feedback d-block" data-testid="events-error">
                {message(errors.events.message)}
              </div>
            )}
          </fieldset>
          <Form.Group className="mb-3" controlId="wh-description">
            <Form.Label>{t('wh.description')}</Form.Label>
            <Form.Control as="textarea" rows={2} {...register('description')} isInvalid={!!errors.description} />
            <Form.Control.Feedback type="invalid">{message(errors.description?.message)}</Form.Control.Feedback>
          </Form.Group>
          <Form.Check id="wh-active" label={t('wh.active')} {...register('active')} />
        </Modal.Body>
        <Modal.Footer>
          <Button variant="link" onClick={onClose}>
            {t('form.cancel')}
          </Button>
          <Button type="submit" disabled={isSubmitting}>
            {t('form.save')}
          </Button>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
