import type { Role } from './session';

// Mirrors the role table the OpenAPI document states per operation (the API has no
// endpoint listing a role's rights); the API still enforces every check.
const RIGHTS: Record<string, Role[]> = {
  'analytics:read': ['admin', 'manager', 'sales', 'marketing'],
  'customers:read': ['admin', 'manager', 'sales', 'marketing', 'support'],
  'customers:write': ['admin', 'manager', 'sales'],
  'customers:import': ['admin', 'manager'],
  'opportunities:read': ['admin', 'manager', 'sales', 'marketing'],
  'opportunities:write': ['admin', 'manager', 'sales'],
  'service:read': ['admin', 'manager', 'sales', 'support'],
  'service:write': ['admin', 'manager', 'support'],
  'products:read': ['admin', 'manager', 'sales', 'marketing', 'support'],
  'products:write': ['admin', 'manager'],
  'leads:read': ['admin', 'manager', 'sales', 'marketing'],
  'leads:write': ['admin', 'manager', 'sales'],
  'users:manage': ['admin'],
  'quotes:read': ['admin', 'manager', 'sales'],
  'quotes:write': ['admin', 'manager', 'sales'],
  'marketing:read': ['admin', 'manager', 'marketing'],
  'marketing:write': ['admin', 'manager', 'marketing'],
  'regression:run': ['admin', 'manager', 'sales', 'marketing', 'support'],
  'api_keys:manage': ['admin'],
  'orders:read': ['admin', 'manager', 'sales', 'marketing', 'support'],
  'activities:read': ['admin', 'manager', 'sales', 'marketing', 'support'],
  'audit:read': ['admin', 'manager'],
};

export type Right = keyof typeof RIGHTS;

export function can(role: Role | undefined, right: Right): boolean {
  return !!role && (RIGHTS[right]?.includes(role) ?? false);
}
