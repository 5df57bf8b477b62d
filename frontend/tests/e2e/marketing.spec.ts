import { expect, test } from '@playwright/test';
import { apiToken, login, shot } from './helpers';

test('preview a segment', async ({ page }) => {
  await login(page, 'marketing');
  await page.getByRole('navigation').getByRole('link', { name: 'Marketing' }).click();
  await page.getByRole('link', { name: 'Segments', exact: true }).click();
  await page.getByRole('link', { name: 'New segment' }).click();

  const count = page.getByTestId('segment-count');
  await expect(count).toHaveText(/^\d+$/);
  const all = Number(await count.textContent());
  expect(all).toBeGreaterThan(0);

  await page.getByLabel('R score min').selectOption('4');
  await expect(count).not.toHaveText(String(all));
  const some = Number(await count.textContent());
  expect(some).toBeLessThan(all);

  // Bounds the wrong way round: the server names the field.
  await page.getByLabel('Order count min').fill('3');
  await page.getByLabel('Order count max').fill('1');
  await expect(page.getByLabel('Order count max')).toHaveClass(/is-invalid/);
  await expect(page.getByText('Fix the marked fields to see the count.')).toBeVisible();
  await page.getByLabel('Order count min').fill('');
  await page.getByLabel('Order count max').fill('');
  await expect(count).toHaveText(String(some));
  await expect(page.getByLabel('Order count max')).not.toHaveClass(/is-invalid/);

  const name = `E2E loyal ${Date.now()}`;
  await page.getByLabel('Segment name').fill(name);
  await shot(page, 'segment-builder');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/marketing\/segments\/\d+$/);
  await page.getByRole('link', { name: 'Segments', exact: true }).click();
  await expect(page.getByRole('link', { name })).toBeVisible();
});

test('create a campaign, preview its template for a customer, launch it and compare', async ({ page }) => {
  await login(page, 'marketing');
  const token = await apiToken(page);
  const segName = `E2E all ${Date.now()}`;
  const seg = await page.request.post('/api/v1/segments', {
    headers: { Authorization: `Bearer ${token}` },
    data: { name: segName, filter: { order_count_min: 1 } },
  });
  expect(seg.status()).toBe(201);
  const other = await page.request.post('/api/v1/campaigns', {
    headers: { Authorization: `Bearer ${token}` },
    data: { name: `E2E other ${Date.now()}`, channel: 'sms', body: 'Hi {{first_name}}', cost: '100.00' },
  });
  expect(other.status()).toBe(201);

  await page.goto('/marketing/campaigns');
  await page.getByRole('link', { name: 'New campaign' }).click();
  const name = `E2E spring tea ${Date.now()}`;
  await page.getByLabel('Campaign', { exact: true }).fill(name);
  await page.getByLabel('Segment').selectOption({ label: segName });
  await page.getByLabel('Subject').fill('Hello {{first_name}}');
  await page.getByLabel('Message template').fill('Dear {{name}} in {{city}}, try {{first_recommended_product}}. {{unsubscribe_url}}');
  await page.getByLabel('Budget').fill('5000');
  await page.getByLabel('Cost').fill('1200.00');
  await page.getByLabel('Goal', { exact: true }).fill('200 orders from loyal customers');
  await page.getByRole('button', { name: 'Save' }).click();

  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByTestId('campaign-status')).toHaveText('draft');

  await expect(page.locator('#test-customer option').nth(1)).toBeAttached();
  await page.locator('#test-customer').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const text = page.getByTestId('rendered-text');
  await expect(text).toContainText('Dear ');
  await expect(text).not.toContainText('{{');
  await expect(page.getByTestId('rendered-subject')).toContainText('Hello ');

  await page.getByRole('button', { name: 'Launch now' }).click();
  await expect(page.getByTestId('campaign-status')).not.toHaveText('draft');
  await expect(page.getByTestId('delivery')).toBeVisible();
  await expect(page.getByTestId('progress-queued')).toHaveText('0', { timeout: 20_000 });
  expect(Number(await page.getByTestId('progress-sent').textContent())).toBeGreaterThan(0);
  await shot(page, 'campaign');

  await page.getByRole('navigation').getByRole('link', { name: 'Marketing' }).click();
  await page.getByLabel(`Compare ${name}`).check();
  await page.getByRole('checkbox', { name: /^Compare E2E other/ }).first().check();
  await page.getByRole('button', { name: /Compare selected/ }).click();
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(2);
  await expect(page.locator('canvas').first()).toBeVisible();
});

test('products link to what is bought with them', async ({ page }) => {
  await login(page, 'manager');
  await page.getByRole('navigation').getByRole('link', { name: 'Products' }).click();
  await page.getByRole('table').locator('tbody a').first().click();
  await expect(page.getByRole('heading', { name: 'Bought together' })).toBeVisible();
  await page.getByLabel('Seen at least (orders / customers)').selectOption('1');
  await expect(page.getByTestId('related-table').locator('tbody tr').first()).toBeVisible();
});

test('an admin creates a user and deactivates them', async ({ page }) => {
  await login(page, 'admin');
  await page.goto('/admin/users');
  await page.getByRole('button', { name: 'New user' }).click();
  const email = `e2e.${Date.now()}@rapport.local`;
  await page.getByLabel('Name').fill('E2E Marketer');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Role').selectOption('marketing');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Password')).toHaveClass(/is-invalid/);
  await page.getByLabel('Password').fill('a-long-enough-password');
  await page.getByRole('button', { name: 'Save' }).click();
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Active').uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('cell').nth(3)).toHaveText('—');
});
