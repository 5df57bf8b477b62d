import { expect, test } from '@playwright/test';
import { login, shot } from './helpers';

test('moving an opportunity card changes its stage', async ({ page }) => {
  await login(page, 'manager');
  await page.getByRole('navigation').getByRole('link', { name: 'Pipeline' }).click();
  const card = page.getByTestId('stage-prospecting').locator('[data-testid^="opp-"]').first();
  await expect(card).toBeVisible();
  const testId = await card.getAttribute('data-testid');
  await card.getByRole('combobox').selectOption('qualification');
  await expect(page.getByTestId('stage-qualification').getByTestId(testId!)).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('stage-qualification').getByTestId(testId!)).toBeVisible();
  await shot(page, 'pipeline');
});

test('losing an opportunity asks for the reason', async ({ page }) => {
  await login(page, 'manager');
  await page.getByRole('navigation').getByRole('link', { name: 'Pipeline' }).click();
  const card = page.getByTestId('stage-negotiation').locator('[data-testid^="opp-"]').first();
  const testId = await card.getAttribute('data-testid');
  await card.getByRole('combobox').selectOption('lost');
  await page.getByLabel('Why was it lost?').fill('Went with a competitor');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('stage-lost').getByTestId(testId!)).toBeVisible();
});

test('support moves a service request through its statuses and comments on it', async ({ page }) => {
  await login(page, 'support');
  // The seeded requests are all closed: open a fresh one (automatic assignment picks support).
  const token = await page.evaluate(async () => {
    const refresh = sessionStorage.getItem('rapport.refresh');
    const r = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: refresh }),
    });
    const body = await r.json();
    sessionStorage.setItem('rapport.refresh', body.refresh_token);
    return body.access_token as string;
  });
  const subject = `E2E printer ${Date.now()}`;
  const created = await page.request.post('/api/v1/service-requests', {
    headers: { Authorization: `Bearer ${token}` },
    data: { customer_id: 1, subject, channel: 'phone' },
  });
  expect(created.status()).toBe(201);

  await page.goto('/service?queue=mine');
  await page.getByRole('link', { name: subject }).click();
  const status = page.getByTestId('sr-status');
  await expect(status).toHaveText('assigned');
  await page.getByRole('button', { name: 'Move to in_progress' }).click();
  await expect(status).toHaveText('in_progress');
  await page.getByLabel('Add comment').fill('Called the customer back');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Called the customer back')).toBeVisible();
  await page.getByRole('button', { name: 'Move to resolved' }).click();
  await expect(status).toHaveText('resolved');
  await shot(page, 'service-detail');
});
