import { Suspense } from 'react';
import { Container, Form, Nav, Navbar, Button, Spinner } from 'react-bootstrap';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useI18n, type Lang, type Key } from '../lib/i18n';
import { can, type Right } from '../lib/permissions';
import { logout, useSession } from '../features/auth/useSession';

const MENU: { to: string; label: Key; right: Right }[] = [
  { to: '/', label: 'nav.dashboard', right: 'analytics:read' },
  { to: '/customers', label: 'nav.customers', right: 'customers:read' },
  { to: '/leads', label: 'nav.leads', right: 'leads:read' },
  { to: '/pipeline', label: 'nav.pipeline', right: 'opportunities:read' },
  { to: '/quotes', label: 'nav.quotes', right: 'quotes:read' },
  { to: '/orders', label: 'nav.orders', right: 'orders:read' },
  { to: '/follow-ups', label: 'nav.followUps', right: 'activities:read' },
  { to: '/products', label: 'nav.products', right: 'products:read' },
  { to: '/marketing/campaigns', label: 'nav.marketing', right: 'marketing:read' },
  { to: '/analytics/forecast', label: 'nav.forecast', right: 'analytics:read' },
  { to: '/analytics/rfm', label: 'nav.rfm', right: 'analytics:read' },
  { to: '/analytics/regression', label: 'nav.regression', right: 'regression:run' },
  { to: '/service', label: 'nav.service', right: 'service:read' },
  { to: '/service/csat', label: 'nav.csat', right: 'service:read' },
  { to: '/admin/users', label: 'nav.admin', right: 'users:manage' },
  { to: '/admin/audit', label: 'nav.audit', right: 'audit:read' },
];

export function Layout() {
  const { t, lang, setLang } = useI18n();
  const { user } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <Navbar bg="dark" data-bs-theme="dark" expand="md" className="mb-3">
        <Container fluid>
          <Navbar.Brand>{t('app.name')}</Navbar.Brand>
          <Navbar.Toggle aria-controls="main-nav" />
          <Navbar.Collapse id="main-nav">
            {/* Many menus on a laptop width: the links wrap onto a second row rather than overflow. */}
            <Nav className="me-auto flex-wrap" style={{ minWidth: 0 }} aria-label="main">
              {MENU.filter((m) => can(user?.role, m.right)).map((m) => (
                <Nav.Link as={NavLink} key={m.to} to={m.to} end={m.to === '/'} className="text-nowrap">
                  {t(m.label)}
                </Nav.Link>
              ))}
            </Nav>
            <Form.Select
              size="sm"
              aria-label="Language"
              className="w-auto me-2"
              value={lang}
              onChange={(e) => setLang(e.target.value as Lang)}
            >
              <option value="en">English</option>
              <option value="zh-CN">中文</option>
            </Form.Select>
            <Navbar.Text className="me-2" data-testid="current-user">
              {user?.name} ({user?.role})
            </Navbar.Text>
            <Button
              size="sm"
              variant="outline-light"
              onClick={async () => {
                await logout();
                navigate('/login');
              }}
            >
              {t('nav.logout')}
            </Button>
          </Navbar.Collapse>
        </Container>
      </Navbar>
      <Container fluid as="main">
        {/* Pages are lazy chunks: only the page waits for its chunk, the navbar stays. */}
        <Suspense fallback={<Spinner animation="border" size="sm" role="status" />}>
          <Outlet />
        </Suspense>
      </Container>
    </>
  );
}
