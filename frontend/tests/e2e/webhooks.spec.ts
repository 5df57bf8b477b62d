import { expect, test } from '@playwright/test';
import { apiToken, login, shot } from './helpers';

// scripts/test-frontend.sh starts the server with RAPPORT_ALLOW_PRIVATE_WEBHOOKS=1: a closed
// network cannot resolve a public host, so the subscription points at a closed local port.
const URL = 'http://127.0.0.1:9/hook';

test('an admin subscribes a webhook, sees the secret once and opens its deliveries', async ({ page }) => {
  await login(page, 'admin');
  await page.goto('/admin/webhooks');
  await page.getByRole('button', { name: 'New webhook' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('URL').fill(URL);
  await dialog.getByLabel('customer.*').check();
  await dialog.getByLabel('Description').fill('e2e hook');
  await dialog.getByRole('button', { name: 'Save' }).click();

  const secret = page.getByTestId('new-secret');
  await expect(secret.getByTestId('secret-value')).toContainText('whsec_');
  await expect(secret).toContainText('will not be shown again');
  const row = page.getByRole('row').filter({ hasText: 'e2e hook' });
  await expect(row).toContainText(URL);
  await expect(row).toContainText('customer.*');
  await shot(page, 'webhooks');

  await secret.getByRole('button', { name: 'I have stored it' }).click();
  await expect(page.getByTestId('new-secret')).toHaveCount(0);
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.getByText('whsec_')).toHaveCount(0);

  // An event for the subscription: a new customer.
  const token = await apiToken(page);
  const res = await page.request.post('/api/v1/customers', {
    headers: { Authorization: `Bearer ${token}` },
    data: { name: 'Webhook E2E customer' },
  });
  expect(res.status()).toBe(201);

  await row.getByRole('link', { name: 'Deliveries' }).click();
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  const first = page.getByTestId('deliveries').locator('tbody tr').first();
  await expect(first).toContainText('customer.created');
  await shot(page, 'webhook-deliveries');
  await first.getByRole('button', { name: 'Redeliver' }).click();
  await expect(page.getByTestId('redelivered')).toContainText('Queued again');
  await page.getByLabel('Status').selectOption('delivered');
  await expect(page.getByText('Nothing here yet.')).toBeVisible();
});
