import { useState } from 'react';
import { Alert, Button, Form, Modal } from 'react-bootstrap';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { etagOf } from '../../lib/etag';
import { useI18n } from '../../lib/i18n';

type User = Schemas['User'];
type Role = Schemas['RoleName'];
export const ROLES: Role[] = ['admin', 'manager', 'sales', 'marketing', 'support'];

/** Creates a user, or edits one's name, role, active flag and (optionally) password. */
export function UserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'sales');
  const [active, setActive] = useState(user?.active ?? true);
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: async () => {
      if (user) {
        return unwrap(
          await api.PATCH('/api/v1/users/{id}', {
            params: { path: { id: user.id }, header: { 'If-Match': etagOf(user.version) } },
            body: { name: name.trim(), role, active, password: password || null },
          }),
        );
      }
      return unwrap(await api.POST('/api/v1/users', { body: { name: name.trim(), email: email.trim(), role, password } }));
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['users'] });
      onClose();
    },
  });
  const fields = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const general = save.error && Object.keys(fields).length === 0 ? save.error.message : null;
  return (
    <Modal show onHide={onClose}>
      <Form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Modal.Header closeButton>
          <Modal.Title>{user ? user.email : t('admin.newUser')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {general && <Alert variant="danger">{general}</Alert>}
          <Form.Group className="mb-2" controlId="user-name">
            <Form.Label>{t('cust.name')}</Form.Label>
            <Form.Control value={name} onChange={(e) => setName(e.target.value)} isInvalid={!!fields.name} />
            <Form.Control.Feedback type="invalid">{fields.name}</Form.Control.Feedback>
          </Form.Group>
          {!user && (
            <Form.Group className="mb-2" controlId="user-email">
              <Form.Label>{t('cust.email')}</Form.Label>
              <Form.Control type="email" value={email} onChange={(e) => setEmail(e.target.value)} isInvalid={!!fields.email} />
              <Form.Control.Feedback type="invalid">{fields.email}</Form.Control.Feedback>
            </Form.Group>
          )}
          <Form.Group className="mb-2" controlId="user-role">
            <Form.Label>{t('admin.role')}</Form.Label>
            <Form.Select value={role} onChange={(e) => setRole(e.target.value as Role)} isInvalid={!!fields.role}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </Form.Select>
            <Form.Control.Feedback type="invalid">{fields.role}</Form.Control.Feedback>
          </Form.Group>
          <Form.Group className="mb-2" controlId="user-password">
            <Form.Label>{user ? t('admin.newPassword') : t('login.password')}</Form.Label>
            <Form.Control type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} isInvalid={!!fields.password} />
            <Form.Text>{t('admin.passwordRule')}</Form.Text>
            <Form.Control.Feedback type="invalid">{fields.password}</Form.Control.Feedback>
          </Form.Group>
          {user && <Form.Check id="user-active" label={t('admin.active')} checked={active} onChange={(e) => setActive(e.target.checked)} />}
        </Modal.Body>
        <Modal.Footer>
          <Button variant="link" onClick={onClose}>
            {t('form.cancel')}
          </Button>
          <Button type="submit" disabled={save.isPending}>
            {t('form.save')}
          </Button>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
