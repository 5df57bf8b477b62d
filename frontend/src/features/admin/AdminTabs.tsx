import { Nav } from 'react-bootstrap';
import { NavLink } from 'react-router';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';

export function AdminTabs() {
  const { user } = useSession();
  const tabs = [
    { to: '/admin/users', label: 'Users', ok: can(user?.role, 'users:manage') },
    { to: '/admin/api-keys', label: 'API keys', ok: can(user?.role, 'api_keys:manage') },
    { to: '/admin/audit', label: 'Audit log', ok: can(user?.role, 'audit:read') },
  ];
  return (
    <Nav variant="tabs" className="mb-3">
      {tabs
        .filter((t) => t.ok)
        .map((t) => (
          <Nav.Item key={t.to}>
            <Nav.Link as={NavLink} to={t.to}>
              {t.label}
            </Nav.Link>
          </Nav.Item>
        ))}
    </Nav>
  );
}
