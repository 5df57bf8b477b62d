import { useState } from 'react';
import { Alert, Badge, Button, Card, Form, Modal } from 'react-bootstrap';
import { Link } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { money } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';
import { STAGES, useMoveStage, useOpportunities, type Opportunity } from './hooks';

function OppCard({ opp, onMove }: { opp: Opportunity; onMove: (stage: string) => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  return (
    <Card
      className="mb-2"
      draggable
      data-testid={`opp-${opp.id}`}
      onDragStart={(e) => e.dataTransfer.setData('text/plain', String(opp.id))}
    >
      <Card.Body className="p-2">
        <div className="small fw-semibold">{opp.title}</div>
        <div className="small text-muted">{money(opp.amount)}</div>
        <Form.Select
          size="sm"
          aria-label={`${t('pipe.stageOf')} ${opp.title}`}
          value={opp.stage}
          onChange={(e) => onMove(e.target.value)}
          className="mt-1"
        >
          {STAGES.map((s) => (
            <option key={s} value={s}>
              {t(`stage.${s}`)}
            </option>
          ))}
        </Form.Select>
        {can(user?.role, 'quotes:read') && (
          <div className="d-flex gap-2 small mt-1">
            <Link to={`/quotes?opportunity=${opp.id}`}>{t('nav.quotes')}</Link>
            {can(user?.role, 'quotes:write') && !['won', 'lost'].includes(opp.stage) && (
              <Link to={`/quotes/new?opportunity=${opp.id}`} data-testid="new-quote">
                + {t('quote.new')}
              </Link>
            )}
          </div>
        )}
      </Card.Body>
    </Card>
  );
}

/** Kanban by stage: dropping a card (or picking a stage) is a stage change; lost asks why. */
export function PipelinePage() {
  const { t } = useI18n();
  const list = useOpportunities();
  const move = useMoveStage();
  const [lost, setLost] = useState<Opportunity | null>(null);
  const [reason, setReason] = useState('');
  const items = list.data?.items ?? [];

  function request(opp: Opportunity, stage: string) {
    if (stage === opp.stage) return;
    if (stage === 'lost') {
      setReason('');
      setLost(opp);
    } else move.mutate({ opp, stage });
  }

  return (
    <>
      <h1 className="h3">{t('nav.pipeline')}</h1>
      {move.error && <Alert variant="danger">{move.error.message}</Alert>}
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <div className="d-flex gap-2 overflow-auto pb-2">
          {STAGES.map((stage) => {
            const cards = items.filter((o) => o.stage === stage);
            return (
              <div
                key={stage}
                className="bg-light rounded p-2 flex-shrink-0"
                style={{ width: 220 }}
                data-testid={`stage-${stage}`}
                onDragOver={(e) => e.preventDefault()}
                onDrop={(e) => {
                  const opp = items.find((o) => o.id === Number(e.dataTransfer.getData('text/plain')));
                  if (opp) request(opp, stage);
                }}
              >
                <h2 className="h6 text-capitalize">
                  {t(`stage.${stage}`)} <Badge bg="secondary">{cards.length}</Badge>
                </h2>
                {cards.map((o) => (
                  <OppCard key={o.id} opp={o} onMove={(s) => request(o, s)} />
                ))}
              </div>
            );
          })}
        </div>
      </AsyncState>
      <Modal show={lost !== null} onHide={() => setLost(null)}>
        <Modal.Header closeButton>
          <Modal.Title>{t('pipe.lostReason')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Form.Control as="textarea" aria-label={t('pipe.lostReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Modal.Body>
        <Modal.Footer>
          <Button
            disabled={!reason.trim()}
            onClick={() => {
              move.mutate({ opp: lost!, stage: 'lost', lostReason: reason.trim() });
              setLost(null);
            }}
          >
            {t('form.save')}
          </Button>
        </Modal.Footer>
      </Modal>
    </>
  );
}
