import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ProductEditDialog } from './ProductEditDialog';
import { json, problem, renderWithProviders } from '../../test/render';

const product = {
  id: 3, sku: 'TEA-01', name: 'Green tea', price: '12.00', active: true, description: null,
  created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', version: 4,
};

afterEach(() => vi.unstubAllGlobals());

describe('ProductEditDialog', () => {
  it('shows the server field error on the price and sends If-Match', async () => {
    const fetchMock = vi.fn(async (_r: Request) => problem(422, 'validation_failed', [{ field: 'price', message: 'must be between 0.00 and 99999999.99' }]));
    vi.stubGlobal('fetch', fetchMock);
    const onClose = vi.fn();
    renderWithProviders(<ProductEditDialog product={product} onClose={onClose} />);
    await userEvent.clear(screen.getByLabelText('Price'));
    await userEvent.type(screen.getByLabelText('Price'), '-5.00');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('must be between 0.00 and 99999999.99')).toBeInTheDocument();
    expect(screen.getByLabelText('Price')).toHaveClass('is-invalid');
    expect(fetchMock.mock.calls[0][0].headers.get('If-Match')).toBe('"4"');
    expect(onClose).not.toHaveBeenCalled();
  });

  it('closes after a successful save', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json({ ...product, price: '13.00', version: 5 })));
    const onClose = vi.fn();
    renderWithProviders(<ProductEditDialog product={product} onClose={onClose} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
  });
});
