import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, InputGroup, Table } from 'react-bootstrap';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { dateTime } from '../../lib/format';
import { AdminTabs } from './AdminTabs';
import { useI18n } from '../../lib/i18n';

type RoleName = Schemas['RoleName'];
const ROLES: RoleName[] = ['admin', 'manager', 'sales', 'marketing', 'support'];

export function ApiKeysPage() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<RoleName>('sales');
  const [readOnly, setReadOnly] = useState(false);
  const list = useQuery({ queryKey: ['api-keys'], queryFn: async () => unwrap(await api.GET('/api/v1/api-keys')) });
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/api-keys', { body: { name, role, read_only: readOnly } })),
    onSuccess: () => {
      setName('');
      qc.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: async (id: number) => unwrap(await api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const items = list.data?.items ?? [];
  return (
    <>
      <h1 className="h3">{t('admin.apiKeys')}</h1>
      <AdminTabs />
      <Form
        className="mb-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate();
        }}
      >
        <InputGroup>
          <Form.Control aria-label={t('keys.name')} placeholder={t('keys.name')} value={name} onChange={(e) => setName(e.target.value)} />
          <Form.Select aria-label={t('keys.role')} value={role} onChange={(e) => setRole(e.target.value as RoleName)} style={{ maxWidth: 160 }}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </Form.Select>
          <InputGroup.Text>
            <Form.Check
              id="key-read-only"
              label={t('keys.readOnly')}
              checked={readOnly}
              onChange={(e) => setReadOnly(e.target.checked)}
            />
          </InputGroup.Text>
          <Button type="submit" disabled={create.isPending}>
            {t('keys.create')}
          </Button>
        </InputGroup>
      </Form>
      {create.error && <Alert variant="danger">{create.error.message}</Alert>}
      {create.data && (
        // The secret is only ever in this answer: the API stores a hash.
        <Alert variant="warning" data-testid="new-key">
          {t('keys.copyNow')} <code>{create.data.key}</code>
        </Alert>
      )}
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <Table size="sm" responsive>
          <thead>
            <tr>
              <th>{t('cust.name')}</th>
              <th>{t('keys.prefix')}</th>
              <th>{t('admin.role')}</th>
              <th>{t('keys.lastUsed')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>
                  {t(`role.${k.role}`)}
                  {k.read_only && ` · ${t('keys.readOnly')}`}
                </td>
                <td>{dateTime(k.last_used_at)}</td>
                <td>
                  {k.revoked_at ? (
                    t('keys.revoked')
                  ) : (
                    <Button size="sm" variant="outline-danger" onClick={() => revoke.mutate(k.id)}>
                      {t('keys.revoke')}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </AsyncState>
    </>
  );
}
