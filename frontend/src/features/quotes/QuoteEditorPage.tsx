import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Card, Col, Form, Row, Spinner } from 'react-bootstrap';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { CustomerPicker } from '../../components/CustomerPicker';
import { date, dateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useDebounced } from '../../lib/useDebounced';
import { useSession } from '../auth/useSession';
import {
  emptyLine,
  fromServerLine,
  toLineInput,
  useActiveProducts,
  useCreateQuote,
  useOpportunity,
  useQuote,
  useQuoteAction,
  useUpdateQuote,
  type LineDraft,
  type Quote,
} from './hooks';
import { QuoteLineEditor, QuoteTotals } from './QuoteLineEditor';

interface Header {
  tax_rate: string;
  valid_until: string;
  notes: string;
}

const STATUS_VARIANT: Record<string, string> = { draft: 'secondary', sent: 'primary', accepted: 'success', rejected: 'danger', expired: 'warning' };

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const key = `quote.status.${status}` as 'quote.status.draft';
  return (
    <Badge bg={STATUS_VARIANT[status] ?? 'secondary'} data-testid="quote-status">
      {t(key) ?? status}
    </Badge>
  );
}

function errorsOf(e: unknown): { fields: Record<string, string>; general: string | null } {
  if (!e) return { fields: {}, general: null };
  const fields = e instanceof ApiError ? e.fieldErrors() : {};
  return { fields, general: Object.keys(fields).length ? null : (e as Error).message };
}

function HeaderFields({ value, onChange, errors, readOnly }: { value: Header; onChange: (h: Header) => void; errors: Record<string, string>; readOnly?: boolean }) {
  const { t } = useI18n();
  return (
    <Row className="g-2 mb-3">
      <Col sm={4} md={3}>
        <Form.Group controlId="quote-tax">
          <Form.Label>{t('quote.taxRate')}</Form.Label>
          <Form.Control
            inputMode="decimal"
            placeholder="0"
            value={value.tax_rate}
            disabled={readOnly}
            isInvalid={!!errors.tax_rate}
            onChange={(e) => onChange({ ...value, tax_rate: e.target.value })}
          />
          <Form.Control.Feedback type="invalid">{errors.tax_rate}</Form.Control.Feedback>
        </Form.Group>
      </Col>
      <Col sm={4} md={3}>
        <Form.Group controlId="quote-valid">
          <Form.Label>{t('quote.validUntil')}</Form.Label>
          <Form.Control
            type="date"
            value={value.valid_until}
            disabled={readOnly}
            isInvalid={!!errors.valid_until}
            onChange={(e) => onChange({ ...value, valid_until: e.target.value })}
          />
          <Form.Control.Feedback type="invalid">{errors.valid_until}</Form.Control.Feedback>
        </Form.Group>
      </Col>
      <Col md={6}>
        <Form.Group controlId="quote-notes">
          <Form.Label>{t('quote.notes')}</Form.Label>
          <Form.Control
            value={value.notes}
            disabled={readOnly}
            isInvalid={!!errors.notes}
            onChange={(e) => onChange({ ...value, notes: e.target.value })}
          />
          <Form.Control.Feedback type="invalid">{errors.notes}</Form.Control.Feedback>
        </Form.Group>
      </Col>
    </Row>
  );
}

/** A new draft: its totals exist once the server has priced it, so it is created first. */
function NewQuote() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const oppId = params.get('opportunity') ? Number(params.get('opportunity')) : null;
  const opp = useOpportunity(oppId);
  const products = useActiveProducts();
  const create = useCreateQuote();
  const [customerId, setCustomerId] = useState<number | null>(params.get('customer') ? Number(params.get('customer')) : null);
  const [header, setHeader] = useState<Header>({ tax_rate: '', valid_until: '', notes: '' });
  const [lines, setLines] = useState<LineDraft[]>([emptyLine()]);
  const customer = opp.data?.customer_id ?? customerId;
  const { fields, general } = errorsOf(create.error);
  return (
    <>
      <h1 className="h3">{t('quote.new')}</h1>
      {opp.data && (
        <p className="text-muted">
          {t('quote.forOpportunity')} <strong>{opp.data.title}</strong>
        </p>
      )}
      {general && <Alert variant="danger">{general}</Alert>}
      <Form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (customer == null) return;
          create.mutate(
            {
              customer_id: customer,
              opportunity_id: oppId,
              tax_rate: header.tax_rate.trim() || null,
              valid_until: header.valid_until || null,
              notes: header.notes.trim() || null,
              lines: lines.map(toLineInput),
            },
            { onSuccess: (q) => navigate(`/quotes/${q.id}`, { replace: true }) },
          );
        }}
      >
        {!oppId && (
          <Form.Group className="mb-3" controlId="quote-customer">
            <Form.Label>{t('quote.customer')}</Form.Label>
            <CustomerPicker id="quote-customer" value={customerId} onChange={setCustomerId} isInvalid={!!fields.customer_id} />
            {fields.customer_id && <div className="invalid-feedback d-block">{fields.customer_id}</div>}
          </Form.Group>
        )}
        <HeaderFields value={header} onChange={setHeader} errors={fields} />
        <AsyncState isLoading={products.isLoading} error={products.error} isEmpty={false} onRetry={() => products.refetch()}>
          <QuoteLineEditor lines={lines} onChange={setLines} products={products.data?.items ?? []} errors={fields} />
        </AsyncState>
        <QuoteTotals />
        <Button type="submit" disabled={create.isPending || customer == null}>
          {t('quote.createDraft')}
        </Button>
      </Form>
    </>
  );
}

function headerOf(q: Quote): Header {
  return { tax_rate: q.tax_rate, valid_until: q.valid_until, notes: q.notes ?? '' };
}

/** A draft saves itself shortly after each change; the totals shown are the server's answer. */
function ExistingQuote({ quote }: { quote: Quote }) {
  const { t } = useI18n();
  const { user } = useSession();
  const products = useActiveProducts();
  const update = useUpdateQuote();
  const action = useQuoteAction();
  const editable = quote.status === 'draft' && can(user?.role, 'quotes:write');
  const [lines, setLines] = useState<LineDraft[]>(() => quote.lines.map(fromServerLine));
  const [header, setHeader] = useState<Header>(() => headerOf(quote));
  const [touched, setTouched] = useState(0);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const latest = useRef(quote);
  const queued = useRef<(() => void) | null>(null);
  const busy = useRef(false);
  latest.current = quote.version > latest.current.version ? quote : latest.current;
  const pending = useDebounced(touched, 500);

  useEffect(() => {
    if (pending === 0) return;
    const body = {
      lines: lines.map(toLineInput),
      tax_rate: header.tax_rate.trim() || '0',
      valid_until: header.valid_until || null,
      notes: header.notes.trim() || null,
    };
    const run = async () => {
      if (busy.current) {
        // One save at a time, each with the version the previous one returned.
        queued.current = run;
        return;
      }
      busy.current = true;
      setSaving(true);
      try {
        latest.current = await update.mutateAsync({ quote: latest.current, body });
        setSaveError(null);
      } catch (e) {
        setSaveError(e);
      } finally {
        busy.current = false;
        setSaving(false);
        const next = queued.current;
        queued.current = null;
        next?.();
      }
    };
    void run();
    // Runs once per settled edit; lines and header are read as of that edit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pending]);

  const { fields, general } = errorsOf(saveError);
  const dirty = touched !== pending || saving;
  const act = errorsOf(action.error);
  const edit = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setTouched((n) => n + 1);
  };

  return (
    <>
      <div className="d-flex flex-wrap align-items-center gap-2 mb-2">
        <h1 className="h3 mb-0">
          {t('quote.title')} {quote.number}
        </h1>
        <StatusBadge status={quote.status} />
        <span className="small text-muted ms-auto" data-testid="save-state">
          {!editable ? null : dirty ? (
            <>
              <Spinner animation="border" size="sm" /> {t('quote.saving')}
            </>
          ) : saveError ? (
            <span className="text-danger">{t('quote.notSaved')}</span>
          ) : (
            t('quote.saved')
          )}
        </span>
      </div>
      <p className="small text-muted">
        <Link to={`/customers/${quote.customer_id}`}>{quote.customer_name}</Link>
        {quote.opportunity_id != null && (
          <>
            {' · '}
            <Link to={`/quotes?opportunity=${quote.opportunity_id}`}>
              {t('quote.opportunity')} #{quote.opportunity_id}
            </Link>
          </>
        )}
        {' · '}
        {t('quote.validUntil')} {date(quote.valid_until)}
        {quote.sent_at && ` · ${t('quote.sentAt')} ${dateTime(quote.sent_at)}`}
        {quote.decided_at && ` · ${t('quote.decidedAt')} ${dateTime(quote.decided_at)}`}
      </p>
      {general && <Alert variant="danger">{general}</Alert>}
      {act.general && <Alert variant="danger">{act.general}</Alert>}
      {quote.order_id != null && (
        <Alert variant="success">
          {t('quote.orderCreated')} <Link to={`/orders/${quote.order_id}`}>#{quote.order_id}</Link>
        </Alert>
      )}
      <HeaderFields value={header} onChange={edit(setHeader)} errors={fields} readOnly={!editable} />
      <AsyncState isLoading={products.isLoading} error={products.error} isEmpty={false} onRetry={() => products.refetch()}>
        <QuoteLineEditor
          lines={lines}
          onChange={edit(setLines)}
          products={products.data?.items ?? []}
          errors={fields}
          saved={dirty ? undefined : quote.lines}
          currency={quote.currency}
          readOnly={!editable}
        />
      </AsyncState>
      <Row className="mt-3">
        <Col md={{ span: 5, offset: 7 }}>
          <Card body className={dirty ? 'opacity-50' : undefined}>
            <QuoteTotals quote={quote} />
          </Card>
        </Col>
      </Row>
      {can(user?.role, 'quotes:write') && (
        <div className="d-flex gap-2 mt-3">
          {quote.status === 'draft' && (
            <Button disabled={dirty || !!saveError || action.isPending} onClick={() => action.mutate({ quote: latest.current, action: 'send' })}>
              {t('quote.send')}
            </Button>
          )}
          {quote.status === 'sent' && (
            <>
              <Button variant="success" disabled={action.isPending} onClick={() => action.mutate({ quote, action: 'accept' })}>
                {t('quote.accept')}
              </Button>
              <Button variant="outline-danger" disabled={action.isPending} onClick={() => action.mutate({ quote, action: 'reject' })}>
                {t('quote.reject')}
              </Button>
            </>
          )}
        </div>
      )}
    </>
  );
}

export function QuoteEditorPage() {
  const { id } = useParams();
  if (!id) return <NewQuote />;
  return <LoadedQuote id={Number(id)} />;
}

function LoadedQuote({ id }: { id: number }) {
  const q = useQuote(id);
  return (
    <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={!q.data} onRetry={() => q.refetch()}>
      {q.data && <ExistingQuote key={q.data.id} quote={q.data} />}
    </AsyncState>
  );
}
