import { expect, test } from '@playwright/test';
import { login, shot } from './helpers';

test('build and accept a quote', async ({ page }) => {
  await login(page, 'manager');
  await page.getByRole('navigation').getByRole('link', { name: 'Pipeline' }).click();
  const card = page.getByTestId('stage-proposal').locator('[data-testid^="opp-"]').first();
  await expect(card).toBeVisible();
  await card.getByTestId('new-quote').click();
  await expect(page.getByRole('heading', { name: 'New quote' })).toBeVisible();

  await page.getByLabel('Product 1').selectOption({ index: 1 });
  await page.getByLabel('Quantity 1').fill('2');
  await page.getByRole('button', { name: '+ Add line' }).click();
  await page.getByLabel('Description 2').fill('Installation');
  await page.getByLabel('Quantity 2').fill('1');
  await page.getByLabel('Unit price 2').fill('150.00');
  await page.getByLabel('Tax rate %').fill('13');
  await page.getByRole('button', { name: 'Create draft' }).click();

  await expect(page).toHaveURL(/\/quotes\/\d+$/);
  await expect(page.getByTestId('quote-status')).toHaveText('draft');
  const total = page.getByTestId('total-total');
  await expect(total).toContainText('.');
  const before = await total.textContent();
  await expect(page.getByTestId('line-total-1')).toContainText('150.00');

  // An edit saves itself and the totals come back from the server.
  await page.getByLabel('Quantity 2').fill('2');
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await expect(page.getByTestId('line-total-1')).toContainText('300.00');
  await expect(total).not.toHaveText(before!);

  // A field error from the server lands on its field.
  await page.getByLabel('Discount % 1').fill('150');
  await expect(page.getByLabel('Discount % 1')).toHaveClass(/is-invalid/);
  await page.getByLabel('Discount % 1').fill('10');
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await expect(page.getByLabel('Discount % 1')).not.toHaveClass(/is-invalid/);
  await shot(page, 'quote-editor');

  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('quote-status')).toHaveText('sent');
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByTestId('quote-status')).toHaveText('accepted');
  await expect(page.getByText('Accepted: order created')).toBeVisible();

  await page.getByRole('navigation').getByRole('link', { name: 'Quotes' }).click();
  await page.getByLabel('Status').selectOption('accepted');
  await expect(page.getByRole('table').locator('tbody tr').first()).toBeVisible();
});
