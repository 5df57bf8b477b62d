import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Form, InputGroup, Spinner } from 'react-bootstrap';
import { api, unwrap } from '../api/client';
import { useI18n } from '../lib/i18n';
import { useDebounced } from '../lib/useDebounced';

interface Props {
  id: string;
  value: number | null;
  onChange: (id: number | null) => void;
  isInvalid?: boolean;
  disabled?: boolean;
}

/** Search customers by name, email, phone or company and pick one. */
export function CustomerPicker({ id, value, onChange, isInvalid, disabled }: Props) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const term = useDebounced(q.trim(), 300);
  const found = useQuery({
    queryKey: ['customer-picker', term],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/customers', { params: { query: { q: term || undefined, per_page: 20, count: false, sort: 'name' } } })),
  });
  const current = useQuery({
    queryKey: ['customer', value],
    enabled: value != null,
    queryFn: async () => unwrap(await api.GET('/api/v1/customers/{id}', { params: { path: { id: value! } } })),
  });
  const options = found.data?.items ?? [];
  const selected = current.data;
  return (
    <InputGroup>
      <Form.Control
        id={`${id}-search`}
        aria-label={t('picker.search')}
        placeholder={t('picker.search')}
        value={q}
        disabled={disabled}
        onChange={(e) => setQ(e.target.value)}
        style={{ maxWidth: '40%' }}
      />
      <Form.Select
        id={id}
        value={value ?? ''}
        disabled={disabled}
        isInvalid={isInvalid}
        onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}
      >
        <option value="">{found.isLoading ? t('state.loading') : t('picker.choose')}</option>
        {selected && !options.some((c) => c.id === selected.id) && (
          <option value={selected.id}>
            {selected.name} (#{selected.id})
          </option>
        )}
        {options.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} {c.city ? `· ${c.city}` : ''} (#{c.id})
          </option>
        ))}
      </Form.Select>
      {found.isFetching && (
        <InputGroup.Text>
          <Spinner animation="border" size="sm" />
        </InputGroup.Text>
      )}
    </InputGroup>
  );
}
