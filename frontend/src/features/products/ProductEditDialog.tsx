import { useState } from 'react';
import { Alert, Button, Form, Modal } from 'react-bootstrap';
import { ApiError } from '../../api/client';
import { useI18n } from '../../lib/i18n';
import { useUpdateProduct, type Product } from './hooks';

/** Name, price and active; the server checks the price format and answers with field errors. */
export function ProductEditDialog({ product, onClose }: { product: Product; onClose: () => void }) {
  const { t } = useI18n();
  const update = useUpdateProduct();
  const [name, setName] = useState(product.name);
  const [price, setPrice] = useState(product.price);
  const [active, setActive] = useState(product.active);
  const fields = update.error instanceof ApiError ? update.error.fieldErrors() : {};
  const general = update.error && Object.keys(fields).length === 0 ? update.error.message : null;
  return (
    <Modal show onHide={onClose}>
      <Form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ product, body: { name, price, active } }, { onSuccess: onClose });
        }}
      >
        <Modal.Header closeButton>
          <Modal.Title>{product.sku}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {general && <Alert variant="danger">{general}</Alert>}
          <Form.Group className="mb-2" controlId="product-name">
            <Form.Label>{t('cust.name')}</Form.Label>
            <Form.Control value={name} onChange={(e) => setName(e.target.value)} isInvalid={!!fields.name} />
            <Form.Control.Feedback type="invalid">{fields.name}</Form.Control.Feedback>
          </Form.Group>
          <Form.Group className="mb-2" controlId="product-price">
            <Form.Label>{t('prod.price')}</Form.Label>
            <Form.Control inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} isInvalid={!!fields.price} />
            <Form.Control.Feedback type="invalid">{fields.price}</Form.Control.Feedback>
          </Form.Group>
          <Form.Check id="product-active" label={t('admin.active')} checked={active} onChange={(e) => setActive(e.target.checked)} />
        </Modal.Body>
        <Modal.Footer>
          <Button type="submit" disabled={update.isPending}>
            {t('form.save')}
          </Button>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
