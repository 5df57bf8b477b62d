import { expect, test } from '@playwright/test';
import { login, shot } from './helpers';

test('the forecast shows its chart, coefficients and backtest; RFM drills down to customers', async ({ page }) => {
  await login(page, 'manager');
  const nav = page.getByRole('navigation');
  await nav.getByRole('link', { name: 'Forecast' }).click();
  await expect(page.getByRole('img', { name: 'Sales forecast' })).toBeVisible();
  await expect(page.getByTestId('backtest')).toContainText('RMSE');
  await expect(page.getByRole('cell', { name: 'trend' })).toBeVisible();
  await shot(page, 'forecast');

  await nav.getByRole('link', { name: 'RFM', exact: true }).click();
  // Wait for the page itself: the previous page stays on screen while this one's chunk loads.
  await expect(page.getByRole('heading', { name: 'RFM segments' })).toBeVisible();
  const first = page.getByRole('table').first().locator('tbody tr').first();
  const segment = await first.locator('td').first().innerText();
  await first.click();
  await expect(page).toHaveURL(new RegExp(`segment=${segment}`));
  await expect(page.getByRole('heading', { name: segment })).toBeVisible();
  await expect(page.getByRole('table').nth(1).locator('tbody a').first()).toBeVisible();
  await shot(page, 'rfm');
});

test('the regression tool fits pasted rows on the server', async ({ page }) => {
  await login(page, 'support');
  await page.goto('/analytics/regression');
  await page.getByLabel(/Rows/).fill('y,x\n1,1\n3,2\n5,3\n7,4.01');
  await page.getByRole('button', { name: 'Fit' }).click();
  await expect(page.getByTestId('regression-fit')).toContainText('n = 4');
  await expect(page.getByRole('cell', { name: 'intercept' })).toBeVisible();
});
