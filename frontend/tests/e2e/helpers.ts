import { expect, type Page } from '@playwright/test';

export type Role = 'admin' | 'manager' | 'sales' | 'support' | 'marketing';

export async function login(page: Page, role: Role) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(`${role}@rapport.local`);
  await page.getByLabel('Password').fill(`${role}-demo-pass`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('current-user')).toContainText(role);
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}
