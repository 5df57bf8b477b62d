import { expect, test } from '@playwright/test';
import { login, shot } from './helpers';

test('create a customer: the server refuses a bad phone, then accepts; search finds it via the URL', async ({ page }) => {
  const name = `E2E Customer ${Date.now()}`;
  await login(page, 'sales');
  await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
  await page.getByRole('link', { name: 'New customer' }).click();
  await expect(page.getByRole('heading', { name: 'New customer' })).toBeVisible();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Phone').fill('not a phone!');
  await expect(page.getByLabel('Name')).toHaveValue(name);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#customer-phone')).toHaveClass(/is-invalid/);
  await expect(page.locator('.invalid-feedback').filter({ hasText: /\S/ })).toBeVisible();

  await page.getByLabel('Phone').fill('+86 138 0013 8000');
  await page.getByLabel('City').fill('Hangzhou');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page).toHaveURL(/\/customers\/\d+$/);
  await shot(page, 'customer-detail');

  await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
  await page.getByLabel(/Search/).fill(name);
  await page.getByRole('button', { name: '🔍' }).click();
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(name).replace(/%20/g, '\\+')}`));
  await expect(page.getByRole('link', { name })).toBeVisible();
  await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(1);

  // The URL alone restores the search.
  await page.reload();
  await expect(page.getByLabel(/Search/)).toHaveValue(name);
  await expect(page.getByRole('link', { name })).toBeVisible();
  await shot(page, 'customers');
});
