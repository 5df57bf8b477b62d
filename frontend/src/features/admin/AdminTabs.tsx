import { Nav } from 'react-bootstrap';
import { NavLink } from 'react-router';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';

export function AdminTabs() {
  const { t } = useI18n();
  const { user } = useSession();
  const tabs = [
    { to: '/admin/users', label: t('admin.users'), ok: can(user?.role, 'users:manage') },
    { to: '/admin/api-keys', label: t('admin.apiKeys'), ok: can(user?.role, 'api_keys:manage') },
    { to: '/admin/webhooks', label: t('admin.webhooks'), ok: can(user?.role, 'webhooks:manage') },
    { to: '/admin/audit', label: t('nav.audit'), ok: can(user?.role, 'audit:read') },
    // Anyone signed in may read the role table.
    { to: '/admin/roles', label: t('admin.roles'), ok: true },
  ];
  return (
    <Nav variant="tabs" className="mb-3">
      {tabs
        .filter((x) => x.ok)
        .map((x) => (
          <Nav.Item key={x.to}>
            <Nav.Link as={NavLink} to={x.to}>
              {x.label}
            </Nav.Link>
          </Nav.Item>
        ))}
    </Nav>
  );
}
