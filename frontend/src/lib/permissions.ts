import type { Role } from './session';

/** `all` records, or only the `own` ones (owned by or assigned to the caller). */
export type Scope = 'all' | 'own';

// Mirrors the role table of `GET /api/v1/roles` for the rights the SPA asks about, so menus
// render without waiting for a request; tests/e2e/roles.spec.ts fails when the two drift
// apart. The API still enforces every check.
export const RIGHTS = {
  'analytics:read': { admin: 'all', manager: 'all', sales: 'own', marketing: 'all' },
  'customers:read': { admin: 'all', manager: 'all', sales: 'own', marketing: 'all', support: 'all' },
  'customers:write': { admin: 'all', manager: 'all', sales: 'own' },
  'customers:import': { admin: 'all', manager: 'all' },
  'opportunities:read': { admin: 'all', manager: 'all', sales: 'own', marketing: 'all' },
  'opportunities:write': { admin: 'all', manager: 'all', sales: 'own' },
  'service:read': { admin: 'all', manager: 'all', sales: 'own', support: 'all' },
  'service:write': { admin: 'all', manager: 'all', support: 'all' },
  'products:read': { admin: 'all', manager: 'all', sales: 'all', marketing: 'all', support: 'all' },
  'products:write': { admin: 'all', manager: 'all' },
  'leads:read': { admin: 'all', manager: 'all', sales: 'own', marketing: 'all' },
  'leads:write': { admin: 'all', manager: 'all', sales: 'own' },
  'users:manage': { admin: 'all' },
  'quotes:read': { admin: 'all', manager: 'all', sales: 'own' },
  'quotes:write': { admin: 'all', manager: 'all', sales: 'own' },
  'marketing:read': { admin: 'all', manager: 'all', marketing: 'all' },
  'marketing:write': { admin: 'all', manager: 'all', marketing: 'all' },
  'regression:run': { admin: 'all', manager: 'all', sales: 'all', marketing: 'all', support: 'all' },
  'api_keys:manage': { admin: 'all' },
  'orders:read': { admin: 'all', manager: 'all', sales: 'own', marketing: 'all', support: 'all' },
  'activities:read': { admin: 'all', manager: 'all', sales: 'own', marketing: 'own', support: 'own' },
  'audit:read': { admin: 'all', manager: 'all' },
  'webhooks:manage': { admin: 'all' },
} as const satisfies Record<string, Partial<Record<Role, Scope>>>;

export type Right = keyof typeof RIGHTS;

/** The scope `role` has for `right`, or undefined when it may not use it at all. */
export function scopeOf(role: Role | undefined, right: Right): Scope | undefined {
  if (!role) return undefined;
  return (RIGHTS[right] as Partial<Record<Role, Scope>>)[role];
}

export function can(role: Role | undefined, right: Right): boolean {
  return scopeOf(role, right) !== undefined;
}
