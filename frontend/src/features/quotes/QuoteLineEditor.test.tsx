import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { json, problem, renderWithProviders } from '../../test/render';
import { QuoteLineEditor } from './QuoteLineEditor';
import { QuoteEditorPage } from './QuoteEditorPage';
import type { Quote } from './hooks';
import { clearSession, setTokens } from '../../lib/session';

const product = {
  id: 7, sku: 'TEA-07', name: 'Pu-erh', price: '100.00', active: true, description: null, category: 'Tea',
  created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', version: 1,
};

const line = { id: 1, position: 1, product_id: 7, description: 'Pu-erh', quantity: '2', unit_price: '100.00', discount_pct: '0.00', line_total: '200.00' };

const quote: Quote = {
  id: 5, number: 'Q-2026-000005', customer_id: 9, customer_name: 'Wu Hao', opportunity_id: null, owner_id: 1, status: 'draft',
  valid_until: '2099-01-31', currency: 'CNY', tax_rate: '13.00', notes: null, lines: [line],
  subtotal: '200.00', discount_total: '0.00', tax_total: '26.00', total: '226.00',
  created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', version: 3,
};

afterEach(() => {
  vi.unstubAllGlobals();
  clearSession();
});

describe('QuoteLineEditor', () => {
  it('shows field errors named as the API names them and the server line totals', () => {
    renderWithProviders(
      <QuoteLineEditor
        lines={[{ product_id: 7, description: '', quantity: '0', unit_price: '', discount_pct: '' }]}
        onChange={() => {}}
        products={[product]}
        errors={{ 'lines[0].quantity': 'must be more than 0' }}
        saved={[line]}
      />,
    );
    expect(screen.getByText('must be more than 0')).toBeInTheDocument();
    expect(screen.getByLabelText('Quantity 1')).toHaveClass('is-invalid');
    expect(screen.getByLabelText('Unit price 1')).not.toHaveClass('is-invalid');
    // The price placeholder is the product's: left empty, the server applies it.
    expect(screen.getByLabelText('Unit price 1')).toHaveAttribute('placeholder', '100.00');
    expect(screen.getByTestId('line-total-0')).toHaveTextContent('200.00');
  });

  it('adds and edits lines through onChange', async () => {
    const onChange = vi.fn();
    renderWithProviders(
      <QuoteLineEditor lines={[{ product_id: null, description: 'Setup', quantity: '1', unit_price: '50', discount_pct: '' }]} onChange={onChange} products={[product]} errors={{}} />,
    );
    await userEvent.click(screen.getByRole('button', { name: '+ Add line' }));
    expect(onChange).toHaveBeenLastCalledWith([
      { product_id: null, description: 'Setup', quantity: '1', unit_price: '50', discount_pct: '' },
      { product_id: null, description: '', quantity: '1', unit_price: '', discount_pct: '' },
    ]);
    await userEvent.selectOptions(screen.getByLabelText('Product 1'), '7');
    expect(onChange).toHaveBeenLastCalledWith([{ product_id: 7, description: '', quantity: '1', unit_price: '', discount_pct: '' }]);
  });
});

describe('QuoteEditorPage', () => {
  it('saves a draft after an edit and shows the totals the server computed, or its field errors', async () => {
    const patches: unknown[] = [];
    const fetchMock = vi.fn(async (r: Request) => {
      const url = new URL(r.url);
      if (r.method === 'GET' && url.pathname === '/api/v1/quotes/5') return json(quote);
      if (r.method === 'GET' && url.pathname === '/api/v1/products') return json({ items: [product], per_page: 200 });
      if (r.method === 'PATCH') {
        const body = (await r.json()) as { lines: { quantity: string }[] };
        patches.push({ body, ifMatch: r.headers.get('If-Match') });
        if (!(Number(body.lines[0].quantity) > 0)) return problem(422, 'validation_failed', [{ field: 'lines[0].quantity', message: 'must be more than 0' }]);
        return json({
          ...quote, version: quote.version + patches.length,
          lines: [{ ...line, quantity: body.lines[0].quantity, line_total: '300.00' }],
          subtotal: '300.00', tax_total: '39.00', total: '339.00',
        });
      }
      return problem(404, 'not_found');
    });
    vi.stubGlobal('fetch', fetchMock);
    setTokens('access', 'refresh', {
      id: 1, email: 'sales@rapport.local', name: 'Sales', role: 'sales', active: true,
      created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', version: 1,
    });
    renderWithProviders(
      <Routes>
        <Route path="/quotes/:id" element={<QuoteEditorPage />} />
      </Routes>,
      { route: '/quotes/5' },
    );
    expect(await screen.findByTestId('total-total')).toHaveTextContent('226.00');
    const qty = await screen.findByLabelText('Quantity 1');
    await userEvent.clear(qty);
    await userEvent.type(qty, '0');
    expect(await screen.findByText('must be more than 0', {}, { timeout: 3000 })).toBeInTheDocument();
    expect(screen.getByLabelText('Quantity 1')).toHaveClass('is-invalid');
    expect(screen.getByTestId('total-total')).toHaveTextContent('226.00');

    await userEvent.clear(qty);
    await userEvent.type(qty, '3');
    await vi.waitFor(() => expect(screen.getByTestId('total-total')).toHaveTextContent('339.00'), { timeout: 3000 });
    expect(screen.getByTestId('total-subtotal')).toHaveTextContent('300.00');
    expect(screen.getByTestId('line-total-0')).toHaveTextContent('300.00');
    expect(screen.queryByText('must be more than 0')).not.toBeInTheDocument();
    expect(patches.at(-1)).toMatchObject({ body: { lines: [{ product_id: 7, quantity: '3' }] } });
    expect(patches[0]).toMatchObject({ ifMatch: '"3"' });
  }, 15_000);
});
