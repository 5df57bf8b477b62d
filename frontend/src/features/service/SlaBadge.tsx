import { Badge } from 'react-bootstrap';
import type { ServiceRequest } from './hooks';
import { useI18n } from '../../lib/i18n';

/** Overdue when past due and not yet resolved; "due soon" inside the last four hours. */
export function SlaBadge({ sr, now = new Date() }: { sr: ServiceRequest; now?: Date }) {
  const { t } = useI18n();
  if (sr.status === 'resolved' || sr.status === 'closed') return <Badge bg="success">{t('sla.done')}</Badge>;
  const left = new Date(sr.due_at).getTime() - now.getTime();
  if (left < 0) return <Badge bg="danger">{t('sla.overdue')}</Badge>;
  if (left < 4 * 3600_000) return <Badge bg="warning" text="dark">{t('sla.dueSoon')}</Badge>;
  return <Badge bg="secondary">{t('sla.onTrack')}</Badge>;
}
