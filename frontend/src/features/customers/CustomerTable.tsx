import { Table } from 'react-bootstrap';
import { Link } from 'react-router';
import { date } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import type { Customer } from './hooks';

// Keyset paging sorts by id, name, created_at or updated_at only.
interface Props {
  items: Customer[];
  sort: string;
  onSort: (field: string) => void;
}

function SortHeader({ field, label, sort, onSort }: { field: string; label: string; sort: string; onSort: (f: string) => void }) {
  const mark = sort === field ? ' ▲' : sort === `-${field}` ? ' ▼' : '';
  return (
    <th role="button" onClick={() => onSort(field)} aria-sort={mark ? (mark.includes('▲') ? 'ascending' : 'descending') : 'none'}>
      {label}
      {mark}
    </th>
  );
}

export function CustomerTable({ items, sort, onSort }: Props) {
  const { t } = useI18n();
  return (
    <Table hover responsive size="sm">
      <thead>
        <tr>
          <SortHeader field="name" label={t('cust.name')} sort={sort} onSort={onSort} />
          <th>{t('cust.email')}</th>
          <th className="d-none d-md-table-cell">{t('cust.phone')}</th>
          <th className="d-none d-md-table-cell">{t('cust.company')}</th>
          <th>{t('cust.city')}</th>
          <SortHeader field="created_at" label={t('cust.created')} sort={sort} onSort={onSort} />
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.id}>
            <td>
              <Link to={`/customers/${c.id}`}>{c.name}</Link>
            </td>
            <td>{c.email}</td>
            <td className="d-none d-md-table-cell">{c.phone}</td>
            <td className="d-none d-md-table-cell">{c.company}</td>
            <td>{c.city}</td>
            <td>{date(c.created_at)}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
