import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Table } from 'react-bootstrap';
import { api, unwrap } from '../../api/client';
import { parseRows } from './parseRows';
import { useI18n } from '../../lib/i18n';

const EXAMPLE = 'sales,price,ads\n120,9.9,3\n135,9.5,4\n150,9.0,5\n128,9.8,3\n160,8.9,6\n142,9.2,4';

export function RegressionPage() {
  const { t } = useI18n();
  const [text, setText] = useState(EXAMPLE);
  const run = useMutation({
    mutationFn: async () => {
      const { names, x, y } = parseRows(text);
      return unwrap(await api.POST('/api/v1/analytics/regression', { body: { names, x, y, intercept: true, confidence: 0.95 } }));
    },
  });
  const r = run.data;
  return (
    <>
      <h1 className="h3">{t('nav.regression')}</h1>
      <Form.Group className="mb-2" controlId="regression-rows">
        <Form.Label>{t('reg.rows')}</Form.Label>
        <Form.Control as="textarea" rows={8} value={text} onChange={(e) => setText(e.target.value)} className="font-monospace" />
      </Form.Group>
      <Button onClick={() => run.mutate()} disabled={run.isPending} className="mb-3">
        {t('reg.fit')}
      </Button>
      {run.error && <Alert variant="danger">{run.error.message}</Alert>}
      {r && (
        <Card body>
          <p data-testid="regression-fit">
            n = {r.n_obs} · R² {r.r_squared?.toFixed(4) ?? '—'} · {t('reg.rse')} {r.residual_std_error.toFixed(4)}
          </p>
          <Table size="sm" responsive>
            <thead>
              <tr>
                <th>{t('reg.term')}</th>
                <th className="text-end">{t('fc.estimate')}</th>
                <th className="text-end">{t('fc.stdError')}</th>
                <th className="text-end">t</th>
                <th className="text-end">p</th>
              </tr>
            </thead>
            <tbody>
              {r.coefficients.map((c) => (
                <tr key={c.name}>
                  <td>{c.name}</td>
                  <td className="text-end">{c.estimate.toFixed(4)}</td>
                  <td className="text-end">{c.std_error.toFixed(4)}</td>
                  <td className="text-end">{c.t?.toFixed(3) ?? '—'}</td>
                  <td className="text-end">{c.p?.toPrecision(3) ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
