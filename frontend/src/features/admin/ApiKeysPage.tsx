import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, InputGroup, Table } from 'react-bootstrap';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { dateTime } from '../../lib/format';
import { AdminTabs } from './AdminTabs';

type RoleName = Schemas['RoleName'];
const ROLES: RoleName[] = ['admin', 'manager', 'sales', 'marketing', 'support'];

export function ApiKeysPage() {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<RoleName>('sales');
  const list = useQuery({ queryKey: ['api-keys'], queryFn: async () => unwrap(await api.GET('/api/v1/api-keys')) });
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/api-keys', { body: { name, role } })),
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
      <AdminTabs />
      <Form
        className="mb-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate();
        }}
      >
        <InputGroup>
          <Form.Control aria-label="Key name" placeholder="Key name" value={name} onChange={(e) => setName(e.target.value)} />
          <Form.Select aria-label="Key role" value={role} onChange={(e) => setRole(e.target.value as RoleName)} style={{ maxWidth: 160 }}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </Form.Select>
          <Button type="submit" disabled={create.isPending}>
            Create
          </Button>
        </InputGroup>
      </Form>
      {create.error && <Alert variant="danger">{create.error.message}</Alert>}
      {create.data && (
        // The secret is only ever in this answer: the API stores a hash.
        <Alert variant="warning" data-testid="new-key">
          Copy this key now, it will not be shown again: <code>{create.data.key}</code>
        </Alert>
      )}
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <Table size="sm" responsive>
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Role</th>
              <th>Last used</th>
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
                <td>{k.role}</td>
                <td>{dateTime(k.last_used_at)}</td>
                <td>
                  {k.revoked_at ? (
                    'revoked'
                  ) : (
                    <Button size="sm" variant="outline-danger" onClick={() => revoke.mutate(k.id)}>
                      Revoke
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
