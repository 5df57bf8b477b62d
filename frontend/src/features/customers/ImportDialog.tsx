import { useState } from 'react';
import { Alert, Button, Form, Modal, Table } from 'react-bootstrap';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { importCustomers } from './importExport';
import { useI18n } from '../../lib/i18n';

export function ImportDialog() {
  const { t } = useI18n();
  const [show, setShow] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<{ imported?: number; error?: ApiError | Error }>({});
  const qc = useQueryClient();

  async function run() {
    if (!file) return;
    try {
      const r = await importCustomers(await file.text());
      setResult({ imported: r.imported });
      qc.invalidateQueries({ queryKey: ['customers'] });
    } catch (e) {
      setResult({ error: e as Error });
    }
  }

  const rows = result.error instanceof ApiError ? (result.error.problem?.errors ?? []) : [];
  return (
    <>
      <Button size="sm" variant="outline-secondary" onClick={() => setShow(true)}>
        {t('imp.button')}
      </Button>
      <Modal show={show} onHide={() => setShow(false)}>
        <Modal.Header closeButton>
          <Modal.Title>{t('imp.title')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Form.Control type="file" accept=".csv,text/csv" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
          {result.imported !== undefined && <Alert className="mt-2" variant="success">{t('imp.imported')} {result.imported}</Alert>}
          {result.error && <Alert className="mt-2" variant="danger">{result.error.message}</Alert>}
          {rows.length > 0 && (
            <Table size="sm" className="mt-2">
              <thead>
                <tr><th>{t('imp.line')}</th><th>{t('imp.field')}</th><th>{t('imp.problem')}</th></tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={i}><td>{r.line}</td><td>{r.field}</td><td>{r.message}</td></tr>
                ))}
              </tbody>
            </Table>
          )}
        </Modal.Body>
        <Modal.Footer>
          <Button onClick={run} disabled={!file}>{t('imp.run')}</Button>
        </Modal.Footer>
      </Modal>
    </>
  );
}
