import { useState } from 'react';
import { Alert, Button, Col, Form, Row } from 'react-bootstrap';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { useI18n, type Key } from '../../lib/i18n';
import { CHANNELS, GOAL_METRICS, useCampaign, useSaveCampaign, useSegments, type Campaign, type CampaignCreate } from './hooks';

interface Values {
  name: string;
  channel: string;
  segment_id: string;
  subject: string;
  body: string;
  budget: string;
  cost: string;
  start_at: string;
  end_at: string;
  attribution_days: string;
  goal: string;
  goal_metric: string;
  goal_target: string;
  strategy: string;
  plan: string;
}

// <input type="datetime-local"> speaks local time without a zone; the API wants instants.
const toLocalInput = (iso: string | null | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (v: string) => (v ? new Date(v).toISOString() : null);

function valuesOf(c?: Campaign): Values {
  return {
    name: c?.name ?? '',
    channel: c?.channel ?? 'email',
    segment_id: c?.segment_id != null ? String(c.segment_id) : '',
    subject: c?.subject ?? '',
    body: c?.body ?? '',
    budget: c?.budget ?? '',
    cost: c?.cost ?? '',
    start_at: toLocalInput(c?.start_at),
    end_at: toLocalInput(c?.end_at),
    attribution_days: c ? String(c.attribution_days) : '14',
    goal: c?.goal ?? '',
    goal_metric: c?.goal_metric ?? '',
    goal_target: c?.goal_target ?? '',
    strategy: c?.strategy ?? '',
    plan: c?.plan ?? '',
  };
}

const opt = (v: string) => v.trim() || null;

function bodyOf(v: Values): CampaignCreate {
  return {
    name: v.name.trim(),
    channel: v.channel as CampaignCreate['channel'],
    segment_id: v.segment_id ? Number(v.segment_id) : null,
    subject: v.channel === 'email' ? opt(v.subject) : null,
    body: v.body,
    budget: opt(v.budget),
    cost: opt(v.cost),
    start_at: fromLocalInput(v.start_at),
    end_at: fromLocalInput(v.end_at),
    attribution_days: v.attribution_days.trim() ? Number(v.attribution_days) : null,
    goal: opt(v.goal),
    goal_metric: opt(v.goal_metric) as CampaignCreate['goal_metric'],
    goal_target: opt(v.goal_target),
    strategy: opt(v.strategy),
    plan: opt(v.plan),
  };
}

// After launch only these may change (CampaignUpdate).
const AFTER_LAUNCH = new Set<keyof Values>(['name', 'goal', 'strategy', 'plan', 'cost']);

export function CampaignForm({ campaign }: { campaign?: Campaign }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const segments = useSegments();
  const save = useSaveCampaign();
  const [v, setV] = useState<Values>(() => valuesOf(campaign));
  const fields = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const general = save.error && Object.keys(fields).length === 0 ? save.error.message : null;
  const launched = !!campaign && campaign.status !== 'draft' && campaign.status !== 'scheduled';
  const locked = (f: keyof Values) => launched && !AFTER_LAUNCH.has(f);

  const control = (f: keyof Values, label: Key, props: Record<string, unknown> = {}) => (
    <Form.Group controlId={`camp-${f}`} className="mb-2">
      <Form.Label>{t(label)}</Form.Label>
      <Form.Control value={v[f]} disabled={locked(f)} isInvalid={!!fields[f]} onChange={(e) => setV({ ...v, [f]: e.target.value })} {...props} />
      <Form.Control.Feedback type="invalid">{fields[f]}</Form.Control.Feedback>
    </Form.Group>
  );

  return (
    <Form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const body = bodyOf(v);
        // A launched campaign takes only the fields that may still change.
        const sent = launched ? { name: body.name, goal: body.goal, strategy: body.strategy, plan: body.plan, cost: body.cost } : body;
        save.mutate({ campaign, body: sent as CampaignCreate }, { onSuccess: (c) => navigate(`/marketing/campaigns/${c.id}`) });
      }}
    >
      {general && <Alert variant="danger">{general}</Alert>}
      <Row className="g-3">
        <Col lg={7}>
          {control('name', 'camp.name')}
          <Row className="g-2">
            <Col sm={6}>
              <Form.Group controlId="camp-channel" className="mb-2">
                <Form.Label>{t('camp.channel')}</Form.Label>
                <Form.Select value={v.channel} disabled={locked('channel')} isInvalid={!!fields.channel} onChange={(e) => setV({ ...v, channel: e.target.value })}>
                  {CHANNELS.map((c) => (
                    <option key={c} value={c}>
                      {t(`camp.channel.${c}`)}
                    </option>
                  ))}
                </Form.Select>
                <Form.Control.Feedback type="invalid">{fields.channel}</Form.Control.Feedback>
              </Form.Group>
            </Col>
            <Col sm={6}>
              <Form.Group controlId="camp-segment" className="mb-2">
                <Form.Label>{t('camp.segment')}</Form.Label>
                <Form.Select value={v.segment_id} disabled={locked('segment_id')} isInvalid={!!fields.segment_id} onChange={(e) => setV({ ...v, segment_id: e.target.value })}>
                  <option value="">{segments.isLoading ? t('state.loading') : '—'}</option>
                  {(segments.data?.items ?? []).map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </Form.Select>
                <Form.Control.Feedback type="invalid">{fields.segment_id}</Form.Control.Feedback>
              </Form.Group>
            </Col>
          </Row>
          {v.channel === 'email' && control('subject', 'camp.subject', { placeholder: 'Hello {{first_name}}' })}
          {control('body', v.channel === 'phone' ? 'camp.script' : 'camp.body', { as: 'textarea', rows: 8, className: 'font-monospace' })}
          <Form.Text className="d-block mb-2">
            {t('camp.placeholders')} <code>{'{{name}} {{first_name}} {{email}} {{phone}} {{city}} {{company}} {{first_recommended_product}} {{unsubscribe_url}}'}</code>
          </Form.Text>
        </Col>
        <Col lg={5}>
          <Row className="g-2">
            <Col xs={6}>{control('budget', 'camp.budget', { inputMode: 'decimal' })}</Col>
            <Col xs={6}>{control('cost', 'camp.cost', { inputMode: 'decimal' })}</Col>
            <Col xs={6}>{control('start_at', 'camp.startAt', { type: 'datetime-local' })}</Col>
            <Col xs={6}>{control('end_at', 'camp.endAt', { type: 'datetime-local' })}</Col>
            <Col xs={6}>{control('attribution_days', 'camp.attributionDays', { type: 'number', min: 1, max: 365 })}</Col>
          </Row>
          {control('goal', 'camp.goal')}
          <Row className="g-2">
            <Col xs={6}>
              <Form.Group controlId="camp-goal_metric" className="mb-2">
                <Form.Label>{t('camp.goalMetric')}</Form.Label>
                <Form.Select value={v.goal_metric} disabled={locked('goal_metric')} isInvalid={!!fields.goal_metric} onChange={(e) => setV({ ...v, goal_metric: e.target.value })}>
                  <option value="">—</option>
                  {GOAL_METRICS.map((m) => (
                    <option key={m} value={m}>
                      {t(`camp.metric.${m}`)}
                    </option>
                  ))}
                </Form.Select>
                <Form.Control.Feedback type="invalid">{fields.goal_metric}</Form.Control.Feedback>
              </Form.Group>
            </Col>
            <Col xs={6}>{control('goal_target', 'camp.goalTarget', { inputMode: 'decimal' })}</Col>
          </Row>
          {control('strategy', 'camp.strategy', { as: 'textarea', rows: 2 })}
          {control('plan', 'camp.plan', { as: 'textarea', rows: 2 })}
        </Col>
      </Row>
      <Button type="submit" disabled={save.isPending}>
        {t('form.save')}
      </Button>{' '}
      <Link className="btn btn-link" to={campaign ? `/marketing/campaigns/${campaign.id}` : '/marketing/campaigns'}>
        {t('form.cancel')}
      </Link>
    </Form>
  );
}

export function CampaignEditPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const c = useCampaign(id ? Number(id) : null);
  return (
    <>
      <h1 className="h3">{id ? `${t('cust.edit')}: ${c.data?.name ?? '…'}` : t('camp.new')}</h1>
      {id ? (
        <AsyncState isLoading={c.isLoading} error={c.error} isEmpty={!c.data} onRetry={() => c.refetch()}>
          {c.data && <CampaignForm key={c.data.id} campaign={c.data} />}
        </AsyncState>
      ) : (
        <CampaignForm />
      )}
    </>
  );
}
