import type { ReactNode } from 'react';
import { Col, Form, Row } from 'react-bootstrap';
import type { Schemas } from '../../api/client';
import { useI18n, type Key } from '../../lib/i18n';
import { RFM_SEGMENTS, type SegmentFilter } from './hooks';

/** The builder's inputs as typed; `toFilter` turns them into the API's filter. */
export interface SegmentFormValues {
  city: string;
  tags: string;
  owner_id: string;
  source: string;
  birthday_month: string;
  created_from: string;
  created_to: string;
  rfm_segment: string;
  r_score_min: string;
  r_score_max: string;
  f_score_min: string;
  f_score_max: string;
  m_score_min: string;
  m_score_max: string;
  bought_product_id: string;
  bought_category: string;
  total_spend_min: string;
  total_spend_max: string;
  order_count_min: string;
  order_count_max: string;
  last_order_from: string;
  last_order_to: string;
  has_open_service_request: string;
}

export const SOURCES = ['web', 'referral', 'event', 'campaign', 'import', 'other'] as const;

export function emptySegmentForm(): SegmentFormValues {
  return {
    city: '', tags: '', owner_id: '', source: '', birthday_month: '', created_from: '', created_to: '', rfm_segment: '',
    r_score_min: '', r_score_max: '', f_score_min: '', f_score_max: '', m_score_min: '', m_score_max: '',
    bought_product_id: '', bought_category: '', total_spend_min: '', total_spend_max: '', order_count_min: '',
    order_count_max: '', last_order_from: '', last_order_to: '', has_open_service_request: '',
  };
}

const text = (v: string) => v.trim() || null;
const int = (v: string) => (v.trim() === '' ? null : Number(v));
// Created bounds are instants in the API; the form picks days (UTC midnight).
const day = (v: string) => (v ? `${v}T00:00:00Z` : null);

export function toFilter(v: SegmentFormValues): SegmentFilter {
  return {
    city: text(v.city),
    tags: v.tags.split(',').map((s) => s.trim()).filter(Boolean),
    owner_id: int(v.owner_id),
    source: text(v.source),
    birthday_month: int(v.birthday_month),
    created_from: day(v.created_from),
    created_to: day(v.created_to),
    rfm_segment: text(v.rfm_segment) as Schemas['SegmentFilter']['rfm_segment'],
    r_score_min: int(v.r_score_min),
    r_score_max: int(v.r_score_max),
    f_score_min: int(v.f_score_min),
    f_score_max: int(v.f_score_max),
    m_score_min: int(v.m_score_min),
    m_score_max: int(v.m_score_max),
    bought_product_id: int(v.bought_product_id),
    bought_category: text(v.bought_category),
    total_spend_min: text(v.total_spend_min),
    total_spend_max: text(v.total_spend_max),
    order_count_min: int(v.order_count_min),
    order_count_max: int(v.order_count_max),
    last_order_from: v.last_order_from || null,
    last_order_to: v.last_order_to || null,
    has_open_service_request: v.has_open_service_request === '' ? null : v.has_open_service_request === 'yes',
  };
}

export function fromFilter(f: SegmentFilter): SegmentFormValues {
  const s = (v: string | number | null | undefined) => (v == null ? '' : String(v));
  return {
    city: s(f.city),
    tags: (f.tags ?? []).join(', '),
    owner_id: s(f.owner_id),
    source: s(f.source),
    birthday_month: s(f.birthday_month),
    created_from: s(f.created_from).slice(0, 10),
    created_to: s(f.created_to).slice(0, 10),
    rfm_segment: s(f.rfm_segment),
    r_score_min: s(f.r_score_min),
    r_score_max: s(f.r_score_max),
    f_score_min: s(f.f_score_min),
    f_score_max: s(f.f_score_max),
    m_score_min: s(f.m_score_min),
    m_score_max: s(f.m_score_max),
    bought_product_id: s(f.bought_product_id),
    bought_category: s(f.bought_category),
    total_spend_min: s(f.total_spend_min),
    total_spend_max: s(f.total_spend_max),
    order_count_min: s(f.order_count_min),
    order_count_max: s(f.order_count_max),
    last_order_from: s(f.last_order_from),
    last_order_to: s(f.last_order_to),
    has_open_service_request: f.has_open_service_request == null ? '' : f.has_open_service_request ? 'yes' : 'no',
  };
}

interface Props {
  values: SegmentFormValues;
  onChange: (v: SegmentFormValues) => void;
  /** Field errors from the API, keyed by filter field (`total_spend_max`). */
  errors: Record<string, string>;
  products: Schemas['Product'][];
  users?: Schemas['User'][];
}

type Field = keyof SegmentFormValues;

/** Every condition of a segment filter; empty ones are left out (conditions combine with AND). */
export function SegmentBuilder({ values, onChange, errors, products, users }: Props) {
  const { t } = useI18n();
  const set = (f: Field) => (e: { target: { value: string } }) => onChange({ ...values, [f]: e.target.value });
  const err = (f: Field) => errors[f] ?? errors[`filter.${f}`];

  const input = (f: Field, label: Key | ReactNode, props: Record<string, unknown> = {}) => (
    <Form.Group controlId={`seg-${f}`}>
      <Form.Label className="small mb-0">{typeof label === 'string' ? t(label as Key) : label}</Form.Label>
      <Form.Control size="sm" value={values[f]} onChange={set(f)} isInvalid={!!err(f)} {...props} />
      <Form.Control.Feedback type="invalid">{err(f)}</Form.Control.Feedback>
    </Form.Group>
  );
  const select = (f: Field, label: Key | ReactNode, options: [string, string][]) => (
    <Form.Group controlId={`seg-${f}`}>
      <Form.Label className="small mb-0">{typeof label === 'string' ? t(label as Key) : label}</Form.Label>
      <Form.Select size="sm" value={values[f]} onChange={set(f)} isInvalid={!!err(f)}>
        <option value="">{t('seg.any')}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </Form.Select>
      <Form.Control.Feedback type="invalid">{err(f)}</Form.Control.Feedback>
    </Form.Group>
  );
  const scores: [string, string][] = [1, 2, 3, 4, 5].map((n) => [String(n), String(n)]);
  // Each bound's label carries its group's name for screen readers ("Total spend min").
  const bound = (group: Key, which: Key) => (
    <>
      <span className="visually-hidden">{t(group)} </span>
      {t(which)}
    </>
  );
  const range = (label: Key, min: Field, max: Field, render: (f: Field, l: ReactNode) => ReactNode) => (
    <fieldset>
      <legend className="small fw-semibold mb-1">{t(label)}</legend>
      <Row className="g-1">
        <Col>{render(min, bound(label, 'seg.min'))}</Col>
        <Col>{render(max, bound(label, 'seg.max'))}</Col>
      </Row>
    </fieldset>
  );

  return (
    <div data-testid="segment-builder">
      <h2 className="h6 mt-2">{t('seg.profile')}</h2>
      <Row className="g-2 mb-2">
        <Col sm={6} lg={4}>{input('city', 'cust.city')}</Col>
        <Col sm={6} lg={4}>{input('tags', 'seg.tags', { placeholder: 'vip, b2b' })}</Col>
        <Col sm={6} lg={4}>
          {users
            ? select('owner_id', 'seg.owner', users.map((u) => [String(u.id), `${u.name} (${u.role})`]))
            : input('owner_id', 'seg.ownerId', { type: 'number', min: 1 })}
        </Col>
        <Col sm={6} lg={4}>{select('source', 'seg.source', SOURCES.map((s) => [s, s]))}</Col>
        <Col sm={6} lg={4}>
          {select(
            'birthday_month',
            'seg.birthdayMonth',
            Array.from({ length: 12 }, (_, i) => [String(i + 1), new Intl.DateTimeFormat(undefined, { month: 'long' }).format(new Date(2000, i, 1))]),
          )}
        </Col>
        <Col sm={6} lg={4}>
          {range('seg.created', 'created_from', 'created_to', (f, l) => input(f, l, { type: 'date' }))}
        </Col>
      </Row>
      <h2 className="h6">{t('seg.value')}</h2>
      <Row className="g-2 mb-2">
        <Col sm={6} lg={3}>{select('rfm_segment', 'seg.rfmSegment', RFM_SEGMENTS.map((s) => [s, s.replace(/_/g, ' ')]))}</Col>
        <Col sm={6} lg={3}>{range('seg.rScore', 'r_score_min', 'r_score_max', (f, l) => select(f, l, scores))}</Col>
        <Col sm={6} lg={3}>{range('seg.fScore', 'f_score_min', 'f_score_max', (f, l) => select(f, l, scores))}</Col>
        <Col sm={6} lg={3}>{range('seg.mScore', 'm_score_min', 'm_score_max', (f, l) => select(f, l, scores))}</Col>
      </Row>
      <h2 className="h6">{t('seg.purchases')}</h2>
      <Row className="g-2 mb-2">
        <Col sm={6} lg={4}>
          {select('bought_product_id', 'seg.boughtProduct', products.map((p) => [String(p.id), `${p.sku} · ${p.name}`]))}
        </Col>
        <Col sm={6} lg={4}>{input('bought_category', 'seg.boughtCategory')}</Col>
        <Col sm={6} lg={4}>
          {range('seg.spend', 'total_spend_min', 'total_spend_max', (f, l) => input(f, l, { inputMode: 'decimal' }))}
        </Col>
        <Col sm={6} lg={4}>
          {range('seg.orderCount', 'order_count_min', 'order_count_max', (f, l) => input(f, l, { type: 'number', min: 0 }))}
        </Col>
        <Col sm={6} lg={4}>
          {range('seg.lastOrder', 'last_order_from', 'last_order_to', (f, l) => input(f, l, { type: 'date' }))}
        </Col>
        <Col sm={6} lg={4}>
          {select('has_open_service_request', 'seg.openService', [
            ['yes', t('seg.yes')],
            ['no', t('seg.no')],
          ])}
        </Col>
      </Row>
    </div>
  );
}
