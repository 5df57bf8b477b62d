import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import userEvent from '@testing-library/user-event';
import { CustomerEditPage } from './CustomerEditPage';
import { json, problem, renderWithProviders } from '../../test/render';

const base = {
  id: 7, name: 'Wang Fang', email: null, phone: null, company: null, city: 'Shanghai',
  tags: [], created_at: '2026-01-02T03:04:05Z', updated_at: '2026-01-02T03:04:05Z',
};

afterEach(() => vi.unstubAllGlobals());

function setup() {
  let version = 1;
  const patches: { ifMatch: string | null; body: unknown }[] = [];
  const fetchMock = vi.fn(async (req: Request) => {
    if (req.method === 'GET') return json({ ...base, version }, 200, { ETag: `"${version}"` });
    const ifMatch = req.headers.get('If-Match');
    patches.push({ ifMatch, body: await req.json() });
    if (ifMatch !== `"${version}"`) return problem(412, 'stale_version');
    return json({ ...base, version: ++version });
  });
  vi.stubGlobal('fetch', fetchMock);
  renderWithProviders(
    <Routes>
      <Route path="/customers/:id/edit" element={<CustomerEditPage />} />
      <Route path="/customers/:id" element={<div>detail page</div>} />
    </Routes>,
    { route: '/customers/7/edit' },
  );
  return { patches, bump: () => version++ };
}

describe('CustomerEditPage conflicts', () => {
  it('sends If-Match and, on 412, overwrites with the fresh ETag when asked', async () => {
    const { patches, bump } = setup();
    const name = await screen.findByLabelText('Name');
    expect(name).toHaveValue('Wang Fang');
    bump(); // someone else saves version 2
    await userEvent.clear(name);
    await userEvent.type(name, 'Wang Fang 2');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Someone else saved first')).toBeInTheDocument();
    expect(patches[0].ifMatch).toBe('"1"');
    await userEvent.click(screen.getByRole('button', { name: 'Overwrite' }));
    expect(await screen.findByText('detail page')).toBeInTheDocument();
    expect(patches[1]).toEqual({ ifMatch: '"2"', body: expect.objectContaining({ name: 'Wang Fang 2' }) });
  });

  it('reloads the other version when asked', async () => {
    const { patches, bump } = setup();
    const name = await screen.findByLabelText('Name');
    bump();
    await userEvent.type(name, ' x');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Reload' }));
    await waitFor(() => expect(screen.getByLabelText('Name')).toHaveValue('Wang Fang'));
    expect(patches).toHaveLength(1);
  });
});
