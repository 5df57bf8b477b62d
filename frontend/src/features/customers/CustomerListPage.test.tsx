import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import { Route, Routes, useLocation } from 'react-router';
import userEvent from '@testing-library/user-event';
import { CustomerListPage } from './CustomerListPage';
import { json, problem, renderWithProviders } from '../../test/render';

const customer = {
  id: 7, name: 'Wang Fang', email: 'wf@example.com', phone: null, company: 'Acme', city: 'Shanghai',
  tags: [], created_at: '2026-01-02T03:04:05Z', updated_at: '2026-01-02T03:04:05Z', version: 1,
};

function Where() {
  return <div data-testid="where">{useLocation().search}</div>;
}

function renderPage(route = '/customers') {
  return renderWithProviders(
    <Routes>
      <Route path="/customers" element={<><CustomerListPage /><Where /></>} />
    </Routes>,
    { route },
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('CustomerListPage', () => {
  it('shows loading, then the rows', async () => {
    let resolve!: (r: Response) => void;
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>((r) => (resolve = r))));
    renderPage();
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    resolve(json({ items: [customer], per_page: 25 }));
    expect(await screen.findByText('Wang Fang')).toBeInTheDocument();
  });

  it('shows the empty state', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json({ items: [], per_page: 25 })));
    renderPage();
    expect(await screen.findByText('Nothing here yet.')).toBeInTheDocument();
  });

  it('shows the error state with a retry', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => problem(400, 'bad_request')));
    renderPage();
    expect(await screen.findByText(/Could not load/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('passes URL state to the API and writes the search back to the URL', async () => {
    const fetchMock = vi.fn(async (_r: Request) => json({ items: [customer], per_page: 25, next_cursor: 'abc' }));
    vi.stubGlobal('fetch', fetchMock);
    renderPage('/customers?q=wang&sort=name');
    await screen.findByText('Wang Fang');
    const url = new URL(fetchMock.mock.calls[0][0].url);
    expect(url.searchParams.get('q')).toBe('wang');
    expect(url.searchParams.get('sort')).toBe('name');
    expect(url.searchParams.get('cursor')).toBe('');

    await userEvent.clear(screen.getByLabelText(/Search/));
    await userEvent.type(screen.getByLabelText(/Search/), 'li');
    await userEvent.click(screen.getByRole('button', { name: '🔍' }));
    expect(screen.getByTestId('where')).toHaveTextContent('?q=li&sort=name');

    await userEvent.click(await screen.findByRole('button', { name: 'Next' }));
    expect(screen.getByTestId('where')).toHaveTextContent('cursor=abc');
  });
});
