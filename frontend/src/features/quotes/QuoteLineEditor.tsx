import { Button, Form, Table } from 'react-bootstrap';
import { money } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import type { Schemas } from '../../api/client';
import { emptyLine, type DocumentLine, type LineDraft } from './hooks';

interface Props {
  lines: LineDraft[];
  onChange: (lines: LineDraft[]) => void;
  products: Schemas['Product'][];
  /** Field errors of the last save, keyed as the API names them (`lines[0].quantity`). */
  errors: Record<string, string>;
  /** The lines as the server last computed them; their totals are shown, never computed here. */
  saved?: DocumentLine[];
  currency?: string;
  readOnly?: boolean;
}

const FIELDS = ['description', 'quantity', 'unit_price', 'discount_pct'] as const;

/** Product, quantity, price and discount per line; line totals come from the server. */
export function QuoteLineEditor({ lines, onChange, products, errors, saved, currency, readOnly }: Props) {
  const { t } = useI18n();
  const set = (i: number, patch: Partial<LineDraft>) => onChange(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const err = (i: number, f: string) => errors[`lines[${i}].${f}`];
  // Saved totals belong to the draft lines only while the two still line up one to one.
  const totals = saved && saved.length === lines.length ? saved : undefined;
  const label: Record<(typeof FIELDS)[number], string> = {
    description: t('quote.description'),
    quantity: t('quote.quantity'),
    unit_price: t('quote.unitPrice'),
    discount_pct: t('quote.discountPct'),
  };
  return (
    <>
      {errors.lines && <div className="text-danger small mb-1">{errors.lines}</div>}
      <Table size="sm" responsive className="align-middle" data-testid="quote-lines">
        <thead>
          <tr>
            <th style={{ minWidth: 180 }}>{t('quote.product')}</th>
            <th style={{ minWidth: 160 }}>{label.description}</th>
            <th style={{ width: 100 }}>{label.quantity}</th>
            <th style={{ width: 120 }}>{label.unit_price}</th>
            <th style={{ width: 90 }}>{label.discount_pct}</th>
            <th className="text-end">{t('quote.lineTotal')}</th>
            {!readOnly && <th />}
          </tr>
        </thead>
        <tbody>
          {lines.map((l, i) => {
            const product = products.find((p) => p.id === l.product_id);
            return (
              <tr key={i} data-testid={`line-${i}`}>
                <td>
                  <Form.Select
                    size="sm"
                    aria-label={`${t('quote.product')} ${i + 1}`}
                    value={l.product_id ?? ''}
                    disabled={readOnly}
                    isInvalid={!!err(i, 'product_id')}
                    onChange={(e) =>
                      // A new product brings its own name and price (server defaults).
                      set(i, { product_id: e.target.value ? Number(e.target.value) : null, description: '', unit_price: '' })
                    }
                  >
                    <option value="">{t('quote.noProduct')}</option>
                    {l.product_id != null && !product && <option value={l.product_id}>#{l.product_id}</option>}
                    {products.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.sku} · {p.name}
                      </option>
                    ))}
                  </Form.Select>
                  <Form.Control.Feedback type="invalid">{err(i, 'product_id')}</Form.Control.Feedback>
                </td>
                {FIELDS.map((f) => (
                  <td key={f}>
                    <Form.Control
                      size="sm"
                      aria-label={`${label[f]} ${i + 1}`}
                      inputMode={f === 'description' ? undefined : 'decimal'}
                      placeholder={f === 'description' ? product?.name : f === 'unit_price' ? product?.price : f === 'discount_pct' ? '0' : undefined}
                      value={l[f]}
                      disabled={readOnly}
                      isInvalid={!!err(i, f)}
                      onChange={(e) => set(i, { [f]: e.target.value })}
                    />
                    <Form.Control.Feedback type="invalid">{err(i, f)}</Form.Control.Feedback>
                  </td>
                ))}
                <td className="text-end text-nowrap" data-testid={`line-total-${i}`}>
                  {totals ? money(totals[i].line_total, currency) : '—'}
                </td>
                {!readOnly && (
                  <td>
                    <Button
                      size="sm"
                      variant="outline-danger"
                      aria-label={`${t('quote.removeLine')} ${i + 1}`}
                      disabled={lines.length <= 1}
                      onClick={() => onChange(lines.filter((_, j) => j !== i))}
                    >
                      ×
                    </Button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </Table>
      {!readOnly && (
        <Button size="sm" variant="outline-primary" onClick={() => onChange([...lines, emptyLine()])} disabled={lines.length >= 200}>
          + {t('quote.addLine')}
        </Button>
      )}
    </>
  );
}

/** Subtotal, discount, tax and total exactly as the server computed them. */
export function QuoteTotals({ quote }: { quote?: Pick<Schemas['Quote'], 'subtotal' | 'discount_total' | 'tax_total' | 'total' | 'tax_rate' | 'currency'> }) {
  const { t } = useI18n();
  if (!quote) return <p className="text-muted small">{t('quote.totalsPending')}</p>;
  const rows: [string, string, string][] = [
    [t('quote.subtotal'), quote.subtotal, 'subtotal'],
    [t('quote.discount'), quote.discount_total, 'discount'],
    [`${t('quote.tax')} (${quote.tax_rate} %)`, quote.tax_total, 'tax'],
  ];
  return (
    <Table size="sm" className="mb-0" data-testid="quote-totals">
      <tbody>
        {rows.map(([label, v, id]) => (
          <tr key={id}>
            <td>{label}</td>
            <td className="text-end" data-testid={`total-${id}`}>
              {money(v, quote.currency)}
            </td>
          </tr>
        ))}
        <tr className="fw-bold">
          <td>{t('quote.total')}</td>
          <td className="text-end" data-testid="total-total">
            {money(quote.total, quote.currency)}
          </td>
        </tr>
      </tbody>
    </Table>
  );
}
