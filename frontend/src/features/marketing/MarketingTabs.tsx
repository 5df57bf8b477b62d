import { Nav } from 'react-bootstrap';
import { NavLink } from 'react-router';
import { useI18n } from '../../lib/i18n';

export function MarketingTabs() {
  const { t } = useI18n();
  return (
    <Nav variant="tabs" className="mb-3">
      <Nav.Item>
        <Nav.Link as={NavLink} to="/marketing/campaigns">
          {t('nav.campaigns')}
        </Nav.Link>
      </Nav.Item>
      <Nav.Item>
        <Nav.Link as={NavLink} to="/marketing/segments">
          {t('nav.segments')}
        </Nav.Link>
      </Nav.Item>
      <Nav.Item>
        <Nav.Link as={NavLink} to="/marketing/compare">
          {t('camp.compare')}
        </Nav.Link>
      </Nav.Item>
    </Nav>
  );
}
