import { expect, test } from '@playwright/test';
import { apiToken, login, shot } from './helpers';
import { RIGHTS } from '../../src/lib/permissions';

test('RIGHTS in src/lib/permissions.ts agrees with the server role table', async ({ page }) => {
  await login(page, 'sales');
  const token = await apiToken(page);
  const res = await page.request.get('/api/v1/roles', { headers: { Authorization: `Bearer ${token}` } });
  expect(res.ok()).toBe(true);
  const table = (await res.json()) as { roles: string[]; permissions: { action: string; grants: { role: string; scope: string }[] }[] };
  const server = new Map(table.permissions.map((p) => [p.action, Object.fromEntries(p.grants.map((g) => [g.role, g.scope]))]));
  for (const [right, grants] of Object.entries(RIGHTS)) {
    expect(server.has(right), `the server knows no right ${right}`).toBe(true);
    expect({ right, grants: { ...grants } }).toEqual({ right, grants: server.get(right) });
  }
});

test('the Roles page shows the role × action matrix', async ({ page }) => {
  await login(page, 'admin');
  await page.goto('/admin/users');
  await page.getByRole('link', { name: 'Roles' }).click();
  const matrix = page.getByTestId('role-matrix');
  await expect(matrix.getByRole('columnheader', { name: 'support' })).toBeVisible();
  const row = matrix.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'activities:read', exact: true }) });
  await expect(row.locator('td[data-role="admin"]')).toHaveText('all');
  await expect(row.locator('td[data-role="support"]')).toHaveText('own');
  const webhooks = matrix.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'webhooks:manage', exact: true }) });
  await expect(webhooks.locator('td[data-role="manager"]')).toHaveText('—');
  await page.setViewportSize({ width: 375, height: 740 });
  await shot(page, 'roles-phone');
});
