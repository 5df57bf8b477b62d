import { expect, test } from '@playwright/test';
import { login, shot } from './helpers';

test('an admin creates an API key: the secret is shown once', async ({ page }) => {
  await login(page, 'admin');
  await page.goto('/admin/api-keys');
  await page.getByLabel('Key name').fill('e2e integration');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('new-key')).toContainText('rk_');
  await expect(page.getByRole('cell', { name: 'e2e integration' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('cell', { name: 'e2e integration' })).toBeVisible();
  await expect(page.getByTestId('new-key')).toHaveCount(0);
});

test('a manager reads the audit log and CSAT but has no user admin', async ({ page }) => {
  await login(page, 'manager');
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await nav.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('table').locator('tbody tr').first()).toBeVisible();
  await nav.getByRole('link', { name: 'CSAT' }).click();
  await expect(page.locator('canvas').first()).toBeVisible();
  await shot(page, 'csat');
  await nav.getByRole('link', { name: 'Orders' }).click();
  await page.getByRole('table').locator('tbody a').first().click();
  await expect(page.getByText('Total')).toBeVisible();
});
