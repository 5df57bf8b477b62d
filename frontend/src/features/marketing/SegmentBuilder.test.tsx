import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, problem, renderWithProviders } from '../../test/render';
import { SegmentEditPage } from './SegmentEditPage';
import { emptySegmentForm, fromFilter, toFilter } from './SegmentBuilder';

afterEach(() => vi.unstubAllGlobals());

describe('segment filter mapping', () => {
  it('leaves out empty conditions and round-trips the rest', () => {
    const v = { ...emptySegmentForm(), city: ' Shenzhen ', tags: 'vip, b2b', r_score_min: '4', created_from: '2024-01-01', has_open_service_request: 'no', total_spend_min: '1000' };
    const f = toFilter(v);
    expect(f).toMatchObject({ city: 'Shenzhen', tags: ['vip', 'b2b'], r_score_min: 4, created_from: '2024-01-01T00:00:00Z', has_open_service_request: false, total_spend_min: '1000', owner_id: null });
    expect(fromFilter(f)).toEqual({ ...v, city: 'Shenzhen' });
  });
});

describe('SegmentEditPage', () => {
  it('previews the count as the filter changes and shows the field errors of the answer', async () => {
    const bodies: { filter: Record<string, unknown> }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (r: Request) => {
        const url = new URL(r.url);
        if (url.pathname === '/api/v1/products') return json({ items: [], per_page: 200 });
        if (url.pathname === '/api/v1/segments/preview') {
          const body = (await r.json()) as { filter: Record<string, unknown> };
          bodies.push(body);
          if (body.filter.total_spend_min === '-5') {
            return problem(422, 'validation_failed', [{ field: 'total_spend_min', message: 'must be a non-negative amount with at most two decimal places' }]);
          }
          return json({ count: body.filter.city ? 12 : 200, sample: [{ id: 1, name: 'Li Na', city: 'Shenzhen' }] });
        }
        return problem(404, 'not_found');
      }),
    );
    renderWithProviders(<SegmentEditPage />, { route: '/marketing/segments/new' });
    expect(await screen.findByTestId('segment-count')).toHaveTextContent('200');
    expect(screen.getByRole('link', { name: 'Li Na' })).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('City'), 'Shenzhen');
    await vi.waitFor(() => expect(screen.getByTestId('segment-count')).toHaveTextContent('12'), { timeout: 3000 });
    // Debounced: the typing became one request, not one per key.
    expect(bodies.filter((b) => b.filter.city).map((b) => b.filter.city)).toEqual(['Shenzhen']);

    await userEvent.type(screen.getByLabelText('Total spend min'), '-5');
    expect(await screen.findByText('must be a non-negative amount with at most two decimal places', {}, { timeout: 3000 })).toBeInTheDocument();
    expect(screen.getByLabelText('Total spend min')).toHaveClass('is-invalid');
    expect(screen.getByText('Fix the marked fields to see the count.')).toBeInTheDocument();
  }, 15_000);
});
