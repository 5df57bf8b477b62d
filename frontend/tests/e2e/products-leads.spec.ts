import { expect, test } from '@playwright/test';
import { login, shot } from './helpers';

test('a manager edits a product: a bad price is refused by the server, a good one saved', async ({ page }) => {
  await login(page, 'manager');
  await page.getByRole('navigation').getByRole('link', { name: 'Products' }).click();
  const row = page.getByRole('table').locator('tbody tr').first();
  const sku = await row.locator('td').first().innerText();
  await row.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Price').fill('-5.00');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#product-price')).toHaveClass(/is-invalid/);
  await page.getByLabel('Price').fill('1234.50');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('row', { name: new RegExp(sku) })).toContainText('1,234.50');
  await shot(page, 'products');
});

test('a sales user converts a lead into a customer', async ({ page }) => {
  await login(page, 'sales');
  await page.getByRole('navigation').getByRole('link', { name: 'Leads' }).click();
  await page.getByLabel('Status').selectOption('qualified');
  await expect(page).toHaveURL(/status=qualified/);
  // Read a name from a row that can be converted, then click that same lead's button
  // (found by name), so a list re-rendering in between cannot swap the rows.
  const convertible = page.getByRole('table').locator('tbody tr', { has: page.getByRole('button', { name: 'Convert' }) });
  const name = await convertible.first().locator('td').first().innerText();
  await page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) }).getByRole('button', { name: 'Convert' }).click();
  await expect(page).toHaveURL(/\/customers\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.getByRole('navigation').getByRole('link', { name: 'Leads' }).click();
  await page.getByLabel('Status').selectOption('converted');
  // Many seeded leads are converted: search for this one so it is on the page.
  const search = page.getByRole('searchbox', { name: 'Search name, email, company' });
  await search.fill(name);
  await search.press('Enter');
  await expect(page).toHaveURL(/q=/);
  await expect(page.getByRole('cell', { name, exact: true }).first()).toBeVisible();
});
