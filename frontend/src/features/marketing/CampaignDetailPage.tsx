import { useState } from 'react';
import { Alert, Button, Card, Col, Form, ProgressBar, Row } from 'react-bootstrap';
import { Link, useParams } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { MultiLineChart } from '../../components/Charts';
import { CustomerPicker } from '../../components/CustomerPicker';
import { dateTime, money, percent } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';
import { CampaignStatus } from './CampaignsPage';
import { useCampaign, useCampaignAction, useCampaignStats, useSegment, useTestSend, type Campaign, type CampaignAction } from './hooks';

const rate = (v: string | null | undefined) => (v == null ? '—' : percent(Number(v)));

function Kpi({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Col xs={6} md={4} xl={3} className="mb-2">
      <Card body className="h-100">
        <div className="text-muted small">{label}</div>
        <div className="fs-5" data-testid={testId}>
          {value}
        </div>
      </Card>
    </Col>
  );
}

/** Queued, sent and failed messages as one bar; it moves while delivery runs (the campaign is polled). */
function Delivery({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  const p = campaign.progress;
  if (!p) return null;
  const total = p.queued + p.sent + p.failed + p.cancelled;
  const pct = (n: number) => (total ? (100 * n) / total : 0);
  return (
    <Card body className="mb-3" data-testid="delivery">
      <div className="d-flex flex-wrap gap-3 small mb-1">
        <span>
          {t('camp.targeted')}: <strong>{campaign.targeted}</strong>
        </span>
        <span>
          {t('camp.queued')}: <strong data-testid="progress-queued">{p.queued}</strong>
        </span>
        <span>
          {t('camp.sent')}: <strong data-testid="progress-sent">{p.sent}</strong>
        </span>
        <span>
          {t('camp.failed')}: <strong>{p.failed}</strong>
        </span>
        <span>
          {t('camp.skipped')}: <strong>{campaign.skipped_opt_out + campaign.skipped_no_address}</strong>
        </span>
      </div>
      {total > 0 ? (
        <ProgressBar aria-label={t('camp.delivery')}>
          <ProgressBar variant="success" now={pct(p.sent)} key="sent" />
          <ProgressBar variant="danger" now={pct(p.failed)} key="failed" />
          <ProgressBar variant="secondary" now={pct(p.cancelled)} key="cancelled" />
          <ProgressBar striped animated variant="info" now={pct(p.queued)} key="queued" />
        </ProgressBar>
      ) : (
        <div className="text-muted small">{t('camp.notLaunched')}</div>
      )}
    </Card>
  );
}

/** Renders the templates for one customer (and optionally sends a test message). */
function TestSend({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  const [customerId, setCustomerId] = useState<number | null>(null);
  const [to, setTo] = useState('');
  const send = useTestSend(campaign.id);
  const r = send.data;
  return (
    <Card className="mb-3">
      <Card.Header>{t('camp.testSend')}</Card.Header>
      <Card.Body>
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            if (customerId != null) send.mutate({ customer_id: customerId, to: to.trim() || null });
          }}
        >
          <Form.Group className="mb-2" controlId="test-customer">
            <Form.Label>{t('camp.sampleCustomer')}</Form.Label>
            <CustomerPicker id="test-customer" value={customerId} onChange={setCustomerId} />
          </Form.Group>
          {campaign.channel !== 'phone' && (
            <Form.Group className="mb-2" controlId="test-to">
              <Form.Label>{t('camp.testTo')}</Form.Label>
              <Form.Control value={to} onChange={(e) => setTo(e.target.value)} placeholder={campaign.channel === 'email' ? 'me@example.com' : '+86…'} />
            </Form.Group>
          )}
          <Button type="submit" size="sm" disabled={customerId == null || send.isPending}>
            {to.trim() ? t('camp.sendTest') : t('camp.preview')}
          </Button>
        </Form>
        {send.error && <Alert variant="danger" className="mt-2 mb-0">{send.error.message}</Alert>}
        {r && (
          <div className="mt-3" data-testid="test-send-result">
            {r.message_id != null && (
              <Alert variant="success" className="py-1 small">
                {t('camp.testQueued')} {r.to}
              </Alert>
            )}
            {r.subject && (
              <p className="mb-1">
                <strong>{t('camp.subject')}:</strong> <span data-testid="rendered-subject">{r.subject}</span>
              </p>
            )}
            <pre className="bg-light p-2 small mb-2" style={{ whiteSpace: 'pre-wrap' }} data-testid="rendered-text">
              {r.text}
            </pre>
            {r.html && (
              // The rendered HTML is shown in a sandbox: no scripts, no same-origin access.
              <iframe title={t('camp.htmlPreview')} sandbox="" srcDoc={r.html} className="w-100 border rounded" style={{ height: 240 }} />
            )}
          </div>
        )}
      </Card.Body>
    </Card>
  );
}

function Stats({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  const live = campaign.status === 'running';
  // Re-read as delivery moves on (and once more when it ends).
  const s = useCampaignStats(campaign.id, live, `${campaign.status}:${campaign.progress?.sent ?? 0}`);
  const d = s.data;
  const days = d?.by_day ?? [];
  return (
    <AsyncState isLoading={s.isLoading} error={s.error} isEmpty={!d} onRetry={() => s.refetch()}>
      {d && (
        <>
          <Row>
            <Kpi label={t('camp.sent')} value={String(d.sent)} testId="stat-sent" />
            <Kpi label={t('camp.opened')} value={`${d.opened} · ${rate(d.rates.open)}`} />
            <Kpi label={t('camp.clicked')} value={`${d.clicked} · ${rate(d.rates.click)}`} />
            <Kpi label={t('camp.converted')} value={`${d.converted} · ${rate(d.rates.conversion)}`} />
            <Kpi label={t('camp.revenue')} value={money(d.revenue)} />
            <Kpi label={t('camp.roi')} value={d.roi == null ? '—' : percent(Number(d.roi))} testId="stat-roi" />
          </Row>
          <Row>
            <Kpi label={t('camp.cost')} value={money(d.cost)} />
            <Kpi label={t('camp.budget')} value={money(d.budget)} />
            <Kpi label={t('camp.orders')} value={String(d.orders)} />
            <Kpi label={t('camp.delivery')} value={rate(d.rates.delivery)} />
          </Row>
          {d.goal && (
            <Card body className="mb-3">
              <div className="small mb-1">
                {t('camp.goal')}: {d.goal.actual} / {d.goal.target} ({t(`camp.metric.${d.goal.metric}` as 'camp.metric.orders') ?? d.goal.metric})
              </div>
              <ProgressBar now={Math.min(100, Number(d.goal.progress) * 100)} label={percent(Number(d.goal.progress))} />
            </Card>
          )}
          <Card body className="mb-3">
            <h2 className="h6">{t('camp.byDay')}</h2>
            {days.length === 0 ? (
              <p className="text-muted small mb-0">{t('state.empty')}</p>
            ) : (
              <MultiLineChart
                label={t('camp.byDay')}
                labels={days.map((x) => x.date)}
                series={[
                  { label: t('camp.opened'), values: days.map((x) => x.opened) },
                  { label: t('camp.clicked'), values: days.map((x) => x.clicked) },
                  { label: t('camp.converted'), values: days.map((x) => x.converted) },
                ]}
              />
            )}
          </Card>
        </>
      )}
    </AsyncState>
  );
}

export function CampaignDetailPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const { id } = useParams();
  const q = useCampaign(Number(id));
  const action = useCampaignAction();
  const c = q.data;
  const segment = useSegment(c?.segment_id ?? null);
  const writable = can(user?.role, 'marketing:write');
  const act = (a: CampaignAction) => c && action.mutate({ campaign: c, action: a });
  return (
    <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={!c} onRetry={() => q.refetch()}>
      {c && (
        <>
          <div className="d-flex flex-wrap align-items-center gap-2 mb-2">
            <h1 className="h3 mb-0">{c.name}</h1>
            <CampaignStatus status={c.status} />
            <div className="ms-auto d-flex flex-wrap gap-2">
              {writable && (
                <Link className="btn btn-outline-secondary btn-sm" to={`/marketing/campaigns/${c.id}/edit`}>
                  {t('cust.edit')}
                </Link>
              )}
              {writable && c.status === 'draft' && (
                <>
                  <Button size="sm" variant="success" disabled={action.isPending} onClick={() => act('launch')}>
                    {t('camp.launch')}
                  </Button>
                  <Button size="sm" variant="outline-primary" disabled={action.isPending || !c.start_at} onClick={() => act('schedule')}>
                    {t('camp.schedule')}
                  </Button>
                </>
              )}
              {writable && c.status === 'scheduled' && (
                <Button size="sm" variant="outline-primary" disabled={action.isPending} onClick={() => act('unschedule')}>
                  {t('camp.unschedule')}
                </Button>
              )}
              {writable && (c.status === 'scheduled' || c.status === 'running') && (
                <Button size="sm" variant="outline-danger" disabled={action.isPending} onClick={() => act('cancel')}>
                  {t('camp.cancel')}
                </Button>
              )}
            </div>
          </div>
          <p className="small text-muted">
            {t(`camp.channel.${c.channel}` as 'camp.channel.email') ?? c.channel} · {t('camp.segment')}:{' '}
            {c.segment_id != null ? <Link to={`/marketing/segments/${c.segment_id}`}>{segment.data?.name ?? `#${c.segment_id}`}</Link> : '—'} ·{' '}
            {t('camp.attributionDays')}: {c.attribution_days}
            {c.start_at && ` · ${t('camp.startAt')} ${dateTime(c.start_at)}`}
            {c.launched_at && ` · ${t('camp.launched')} ${dateTime(c.launched_at)}`}
          </p>
          {c.goal && <p>{c.goal}</p>}
          {action.error && <Alert variant="danger">{action.error.message}</Alert>}
          <Delivery campaign={c} />
          <Row>
            <Col xl={8}>
              <Stats campaign={c} />
              <Card className="mb-3">
                <Card.Header>{t('camp.template')}</Card.Header>
                <Card.Body>
                  {c.subject && (
                    <p className="mb-1">
                      <strong>{t('camp.subject')}:</strong> {c.subject}
                    </p>
                  )}
                  <pre className="small mb-0" style={{ whiteSpace: 'pre-wrap' }}>
                    {c.body}
                  </pre>
                </Card.Body>
              </Card>
            </Col>
            <Col xl={4}>{writable && <TestSend campaign={c} />}</Col>
          </Row>
        </>
      )}
    </AsyncState>
  );
}
