import { Badge, Card, Col, ListGroup, Row, Table } from 'react-bootstrap';
import { Link, useParams } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { dateTime, money } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';
import { useCustomer, useCustomerPart } from './hooks';
import type { Schemas } from '../../api/client';

function Timeline({ id }: { id: number }) {
  const q = useCustomerPart(id, 'timeline');
  const items = (q.data ?? []) as Schemas['TimelineEntry'][];
  return (
    <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={items.length === 0}>
      <ListGroup variant="flush">
        {items.map((e, i) => (
          <ListGroup.Item key={i}>
            <Badge bg="secondary" className="me-2">{e.kind}</Badge>
            {e.summary} <small className="text-muted">{dateTime(e.at)}</small>
          </ListGroup.Item>
        ))}
      </ListGroup>
    </AsyncState>
  );
}

function Orders({ id }: { id: number }) {
  const q = useCustomerPart(id, 'orders');
  const items = (q.data as Schemas['OrderPage'] | undefined)?.items ?? [];
  return (
    <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={items.length === 0}>
      <Table size="sm" responsive>
        <tbody>
          {items.map((o) => (
            <tr key={o.id}>
              <td>{o.number}</td>
              <td>{o.order_date}</td>
              <td>{o.status}</td>
              <td className="text-end">{money(o.total_amount, o.currency)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </AsyncState>
  );
}

function ServiceRequests({ id }: { id: number }) {
  const q = useCustomerPart(id, 'service-requests');
  const items = (q.data as Schemas['ServiceRequestPage'] | undefined)?.items ?? [];
  return (
    <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={items.length === 0}>
      <ListGroup variant="flush">
        {items.map((s) => (
          <ListGroup.Item key={s.id}>
            <Link to={`/service/${s.id}`}>{s.subject}</Link> <Badge bg="info">{s.status}</Badge>
          </ListGroup.Item>
        ))}
      </ListGroup>
    </AsyncState>
  );
}

function Rfm({ id }: { id: number }) {
  const q = useCustomerPart(id, 'rfm');
  const r = q.data as Schemas['CustomerRfm'] | undefined;
  return (
    <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={!r}>
      {r && (
        <p className="mb-0">
          <Badge bg="primary" className="me-2">{r.segment}</Badge>R{r.r_score} F{r.f_score} M{r.m_score} ·{' '}
          {money(r.monetary)}
        </p>
      )}
    </AsyncState>
  );
}

function Recommendations({ id }: { id: number }) {
  const q = useCustomerPart(id, 'recommendations');
  const items = (q.data ?? []) as Schemas['ProductRecommendation'][];
  return (
    <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={items.length === 0}>
      <ListGroup variant="flush">
        {items.map((p) => (
          <ListGroup.Item key={p.product_id}>
            {p.name} <small className="text-muted">{p.reason}</small>
          </ListGroup.Item>
        ))}
      </ListGroup>
    </AsyncState>
  );
}

export function CustomerDetailPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const id = Number(useParams().id);
  const q = useCustomer(id);
  const c = q.data?.customer;
  const section = (title: string, body: React.ReactNode) => (
    <Card className="mb-3">
      <Card.Header>{title}</Card.Header>
      <Card.Body>{body}</Card.Body>
    </Card>
  );
  return (
    <AsyncState isLoading={q.isLoading} error={q.error} isEmpty={!c}>
      {c && (
        <>
          <div className="d-flex align-items-center gap-2 mb-3">
            <h1 className="h3 me-auto">{c.name}</h1>
            {can(user?.role, 'customers:write') && (
              <Link className="btn btn-primary btn-sm" to={`/customers/${id}/edit`}>
                {t('cust.edit')}
              </Link>
            )}
          </div>
          <p className="text-muted">
            {[c.email, c.phone, c.company, c.city].filter(Boolean).join(' · ')}
          </p>
          <Row>
            <Col lg={7}>{section(t('cust.timeline'), <Timeline id={id} />)}</Col>
            <Col lg={5}>
              {section(t('cust.rfm'), <Rfm id={id} />)}
              {section(t('cust.orders'), <Orders id={id} />)}
              {section(t('cust.service'), <ServiceRequests id={id} />)}
              {section(t('cust.recommendations'), <Recommendations id={id} />)}
            </Col>
          </Row>
        </>
      )}
    </AsyncState>
  );
}
