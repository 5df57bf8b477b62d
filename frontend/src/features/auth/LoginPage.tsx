import { useState, type FormEvent } from 'react';
import { Alert, Button, Card, Form } from 'react-bootstrap';
import { useNavigate } from 'react-router';
import { useI18n } from '../../lib/i18n';
import { login } from './useSession';

export function LoginPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFailed(false);
    try {
      await login(email, password);
      navigate('/', { replace: true });
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card className="mx-auto mt-5" style={{ maxWidth: 380 }}>
      <Card.Body>
        <h1 className="h4 mb-3">{t('login.title')}</h1>
        {failed && <Alert variant="danger">{t('login.failed')}</Alert>}
        <Form onSubmit={submit}>
          <Form.Group className="mb-3" controlId="email">
            <Form.Label>{t('login.email')}</Form.Label>
            <Form.Control type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </Form.Group>
          <Form.Group className="mb-3" controlId="password">
            <Form.Label>{t('login.password')}</Form.Label>
            <Form.Control type="password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </Form.Group>
          <Button type="submit" disabled={busy} className="w-100">
            {t('login.submit')}
          </Button>
        </Form>
      </Card.Body>
    </Card>
  );
}
