import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { WebhookDialog } from './WebhookDialog';
import { WebhooksPage } from './WebhooksPage';
import { json, problem, renderWithProviders } from '../../test/render';

const hook = {
  id: 7, url: 'https://hooks.example.com/rapport', events: ['customer.*'], active: true, description: null,
  disabled_reason: null, created_by: 1, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', version: 3,
};

afterEach(() => vi.unstubAllGlobals());

describe('WebhookDialog', () => {
  it('shows the server field errors on url and events (problem+json 422)', async () => {
    const fetchMock = vi.fn(async (_r: Request) =>
      problem(422, 'validation_failed', [
        { field: 'url', message: 'points at a loopback address (127.0.0.1); webhooks go to public addresses only' },
        { field: 'events', message: 'unknown event "order.*"' },
      ]),
    );
    vi.stubGlobal('fetch', fetchMock);
    const onClose = vi.fn();
    renderWithProviders(<WebhookDialog webhook={null} onClose={onClose} />);
    await userEvent.type(screen.getByLabelText('URL'), 'http://127.0.0.1:9/hook');
    await userEvent.click(screen.getByLabelText('customer.*'));
    await userEvent.click(screen.getByLabelText('order.created'));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/points at a loopback address/)).toBeInTheDocument();
    expect(screen.getByLabelText('URL')).toHaveClass('is-invalid');
    expect(screen.getByTestId('events-error')).toHaveTextContent('unknown event "order.*"');
    const sent = await fetchMock.mock.calls[0][0].json();
    expect(sent).toEqual({ url: 'http://127.0.0.1:9/hook', events: ['customer.*', 'order.created'], description: null, active: true });
    expect(onClose).not.toHaveBeenCalled();
  });

  it('asks for at least one event before sending', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<WebhookDialog webhook={null} onClose={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('URL'), 'https://hooks.example.com/x');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByTestId('events-error')).toHaveTextContent('Choose at least one event.');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('edits with If-Match and keeps the stored events checked', async () => {
    const fetchMock = vi.fn(async (_r: Request) => json({ ...hook, version: 4 }));
    vi.stubGlobal('fetch', fetchMock);
    const onClose = vi.fn();
    renderWithProviders(<WebhookDialog webhook={hook} onClose={onClose} />);
    expect(screen.getByLabelText('customer.*')).toBeChecked();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    const req = fetchMock.mock.calls[0][0];
    expect(req.method).toBe('PATCH');
    expect(req.headers.get('If-Match')).toBe('"3"');
  });
});

describe('WebhooksPage', () => {
  it('shows the secret once after a create, and never again once dismissed', async () => {
    let created = false;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (r: Request) => {
        if (r.method === 'POST') {
          created = true;
          return json({ ...hook, secret: 'whsec_s3cr3t' }, 201);
        }
        return json({ items: created ? [hook] : [] });
      }),
    );
    renderWithProviders(<WebhooksPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'New webhook' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('URL'), hook.url);
    await userEvent.click(within(dialog).getByLabelText('customer.*'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const secret = await screen.findByTestId('new-secret');
    expect(within(secret).getByTestId('secret-value')).toHaveTextContent('whsec_s3cr3t');
    expect(secret).toHaveTextContent('will not be shown again');
    expect(within(secret).getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    expect(await screen.findByText(hook.url)).toBeInTheDocument();
    await userEvent.click(within(secret).getByRole('button', { name: 'I have stored it' }));
    expect(screen.queryByTestId('new-secret')).not.toBeInTheDocument();
    expect(screen.queryByText('whsec_s3cr3t')).not.toBeInTheDocument();
  });
});
