import { useState } from 'react';
import { Alert, Badge, Button, Card, Col, Form, ListGroup, Row, Spinner } from 'react-bootstrap';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useDebounced } from '../../lib/useDebounced';
import { useSession } from '../auth/useSession';
import { useActiveProducts } from '../quotes/hooks';
import { useSaveSegment, useSegment, useSegmentPreview, useUsers, type Segment } from './hooks';
import { emptySegmentForm, fromFilter, SegmentBuilder, toFilter, type SegmentFormValues } from './SegmentBuilder';

function fieldsOf(e: unknown): Record<string, string> {
  return e instanceof ApiError ? e.fieldErrors() : {};
}

/** Name, filter and a live count: the preview follows the form, debounced. */
export function SegmentEditor({ segment }: { segment?: Segment }) {
  const { t } = useI18n();
  const { user } = useSession();
  const navigate = useNavigate();
  const products = useActiveProducts();
  // Only admins may list users; others type an owner's id.
  const users = useUsers(can(user?.role, 'users:manage'));
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [values, setValues] = useState<SegmentFormValues>(() => (segment ? fromFilter(segment.filter) : emptySegmentForm()));
  const filter = useDebounced(toFilter(values), 400);
  const preview = useSegmentPreview(filter);
  const save = useSaveSegment();
  const previewErrors = fieldsOf(preview.error);
  const saveErrors = fieldsOf(save.error);
  const errors = { ...previewErrors, ...saveErrors };
  const general = save.error && Object.keys(saveErrors).length === 0 ? save.error.message : null;
  const writable = can(user?.role, 'marketing:write');
  return (
    <Row>
      <Col lg={8}>
        <Form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(
              { segment, name: name.trim(), description: description.trim() || null, filter: toFilter(values) },
              { onSuccess: (s) => navigate(`/marketing/segments/${s.id}`, { replace: true }) },
            );
          }}
        >
          {general && <Alert variant="danger">{general}</Alert>}
          <Row className="g-2">
            <Col sm={6}>
              <Form.Group controlId="seg-name">
                <Form.Label>{t('seg.name')}</Form.Label>
                <Form.Control value={name} onChange={(e) => setName(e.target.value)} isInvalid={!!errors.name} required />
                <Form.Control.Feedback type="invalid">{errors.name}</Form.Control.Feedback>
              </Form.Group>
            </Col>
            <Col sm={6}>
              <Form.Group controlId="seg-description">
                <Form.Label>{t('seg.description')}</Form.Label>
                <Form.Control value={description} onChange={(e) => setDescription(e.target.value)} isInvalid={!!errors.description} />
                <Form.Control.Feedback type="invalid">{errors.description}</Form.Control.Feedback>
              </Form.Group>
            </Col>
          </Row>
          <SegmentBuilder
            values={values}
            onChange={setValues}
            errors={errors}
            products={products.data?.items ?? []}
            users={users.data?.items}
          />
          {writable && (
            <Button type="submit" disabled={save.isPending || !name.trim()}>
              {t('form.save')}
            </Button>
          )}
        </Form>
      </Col>
      <Col lg={4} className="mt-3 mt-lg-0">
        <Card className="sticky-lg-top" style={{ top: '1rem' }}>
          <Card.Header className="d-flex align-items-center gap-2">
            {t('seg.preview')}
            {preview.isFetching && <Spinner animation="border" size="sm" />}
          </Card.Header>
          <Card.Body>
            {preview.error && !Object.keys(previewErrors).length ? (
              <Alert variant="danger" className="mb-0">
                {(preview.error as Error).message}
              </Alert>
            ) : Object.keys(previewErrors).length ? (
              <p className="text-danger mb-0">{t('seg.fixErrors')}</p>
            ) : preview.data ? (
              <>
                <div className="display-6" data-testid="segment-count">
                  {preview.data.count}
                </div>
                <div className="text-muted small mb-2">{t('seg.customersMatch')}</div>
                {preview.data.sample.length === 0 ? (
                  <p className="text-muted small mb-0">{t('state.empty')}</p>
                ) : (
                  <ListGroup variant="flush" className="small">
                    {preview.data.sample.map((m) => (
                      <ListGroup.Item key={m.id} className="px-0">
                        <Link to={`/customers/${m.id}`}>{m.name}</Link>{' '}
                        {m.city && (
                          <Badge bg="light" text="dark">
                            {m.city}
                          </Badge>
                        )}
                      </ListGroup.Item>
                    ))}
                  </ListGroup>
                )}
              </>
            ) : (
              <Spinner animation="border" size="sm" role="status" />
            )}
          </Card.Body>
        </Card>
      </Col>
    </Row>
  );
}

export function SegmentEditPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const seg = useSegment(id ? Number(id) : null);
  return (
    <>
      <h1 className="h3">
        <Link to="/marketing/segments" className="text-decoration-none">
          {t('nav.segments')}
        </Link>{' '}
        / {id ? (seg.data?.name ?? '…') : t('seg.new')}
      </h1>
      {id ? (
        <AsyncState isLoading={seg.isLoading} error={seg.error} isEmpty={!seg.data} onRetry={() => seg.refetch()}>
          {seg.data && <SegmentEditor key={seg.data.id} segment={seg.data} />}
        </AsyncState>
      ) : (
        <SegmentEditor />
      )}
    </>
  );
}
