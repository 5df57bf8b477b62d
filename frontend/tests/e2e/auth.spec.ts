import { expect, test } from '@playwright/test';
import { login, shot } from './helpers';

test('admin signs in, sees the dashboard charts and every menu, signs out', async ({ page }) => {
  await login(page, 'admin');
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('kpi').first()).toBeVisible();
  await expect(page.locator('canvas').first()).toBeVisible();
  const nav = page.getByRole('navigation');
  for (const item of ['Dashboard', 'Customers', 'Pipeline', 'Service', 'Admin']) {
    await expect(nav.getByRole('link', { name: item })).toBeVisible();
  }
  await shot(page, 'dashboard');
  await nav.getByRole('link', { name: 'Admin' }).click();
  await expect(page.getByRole('cell', { name: 'admin@rapport.local' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('a wrong password is refused', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('admin@rapport.local');
  await page.getByLabel('Password').fill('nope-nope-nope');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Wrong email or password.')).toBeVisible();
});

test('a sales user does not see Admin; support does not see Pipeline', async ({ page }) => {
  await login(page, 'sales');
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Customers' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await login(page, 'support');
  await expect(nav.getByRole('link', { name: 'Service' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Pipeline' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);
});

test('the session survives a reload (refresh token) and the language switch works', async ({ page }) => {
  await login(page, 'manager');
  await page.reload();
  await expect(page.getByTestId('current-user')).toContainText('manager');
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByRole('link', { name: '客户' })).toBeVisible();
  await page.getByLabel('Language').selectOption('en');
});

test('a phone-width screen collapses the menu and keeps the list within the width', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await login(page, 'manager');
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
  await expect(page.getByRole('table')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await shot(page, 'customers-phone');
});
