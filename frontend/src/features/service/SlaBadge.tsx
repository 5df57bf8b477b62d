import { Badge } from 'react-bootstrap';
import type { ServiceRequest } from './hooks';

/** Overdue when past due and not yet resolved; "due soon" inside the last four hours. */
export function SlaBadge({ sr, now = new Date() }: { sr: ServiceRequest; now?: Date }) {
  if (sr.status === 'resolved' || sr.status === 'closed') return <Badge bg="success">done</Badge>;
  const left = new Date(sr.due_at).getTime() - now.getTime();
  if (left < 0) return <Badge bg="danger">overdue</Badge>;
  if (left < 4 * 3600_000) return <Badge bg="warning" text="dark">due soon</Badge>;
  return <Badge bg="secondary">on track</Badge>;
}
