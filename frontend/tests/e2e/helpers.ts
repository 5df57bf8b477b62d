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

/** A fresh access token for direct API calls (the page's refresh token is rotated and kept). */
export async function apiToken(page: Page): Promise<string> {
  return page.evaluate(async () => {
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
}
