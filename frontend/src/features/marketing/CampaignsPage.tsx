import { useState } from 'react';
import { Badge, Button, Form, Table } from 'react-bootstrap';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { dateTime, money } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { can } from '../../lib/permissions';
import { useSession } from '../auth/useSession';
import { CAMPAIGN_STATUSES, CHANNELS, useCampaigns } from './hooks';
import { MarketingTabs } from './MarketingTabs';

const STATUS_VARIANT: Record<string, string> = { draft: 'secondary', scheduled: 'info', running: 'primary', completed: 'success', cancelled: 'dark' };

export function CampaignStatus({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Badge bg={STATUS_VARIANT[status] ?? 'secondary'} data-testid="campaign-status">
      {t(`camp.status.${status}` as 'camp.status.draft') ?? status}
    </Badge>
  );
}

export function CampaignsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const channel = params.get('channel') ?? '';
  const page = Number(params.get('page') ?? '1');
  const list = useCampaigns({ status, channel, page });
  const [picked, setPicked] = useState<number[]>([]);
  const items = list.data?.items ?? [];
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / 25));
  const go = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };
  return (
    <>
      <div className="d-flex flex-wrap align-items-center gap-2 mb-2">
        <h1 className="h3 mb-0 me-auto">{t('nav.marketing')}</h1>
        {can(user?.role, 'marketing:write') && (
          <Link className="btn btn-primary btn-sm" to="/marketing/campaigns/new">
            {t('camp.new')}
          </Link>
        )}
      </div>
      <MarketingTabs />
      <div className="d-flex flex-wrap gap-2 mb-2">
        <Form.Select size="sm" className="w-auto" aria-label={t('svc.status')} value={status} onChange={(e) => go({ status: e.target.value, page: '' })}>
          <option value="">{t('svc.all')}</option>
          {CAMPAIGN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`camp.status.${s}`)}
            </option>
          ))}
        </Form.Select>
        <Form.Select size="sm" className="w-auto" aria-label={t('camp.channel')} value={channel} onChange={(e) => go({ channel: e.target.value, page: '' })}>
          <option value="">{t('camp.allChannels')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`camp.channel.${c}`)}
            </option>
          ))}
        </Form.Select>
        <Button
          size="sm"
          variant="outline-primary"
          className="ms-auto"
          disabled={picked.length < 2}
          onClick={() => navigate(`/marketing/compare?ids=${picked.join(',')}`)}
        >
          {t('camp.compareSelected')} ({picked.length})
        </Button>
      </div>
      <AsyncState isLoading={list.isLoading} error={list.error} isEmpty={items.length === 0} onRetry={() => list.refetch()}>
        <Table size="sm" hover responsive>
          <thead>
            <tr>
              <th />
              <th>{t('camp.name')}</th>
              <th>{t('svc.status')}</th>
              <th className="d-none d-sm-table-cell">{t('camp.channel')}</th>
              <th className="d-none d-md-table-cell text-end">{t('camp.targeted')}</th>
              <th className="d-none d-md-table-cell text-end">{t('camp.cost')}</th>
              <th className="d-none d-lg-table-cell">{t('camp.launched')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td>
                  <Form.Check
                    aria-label={`${t('camp.compare')} ${c.name}`}
                    checked={picked.includes(c.id)}
                    disabled={!picked.includes(c.id) && picked.length >= 20}
                    onChange={(e) => setPicked((p) => (e.target.checked ? [...p, c.id] : p.filter((x) => x !== c.id)))}
                  />
                </td>
                <td>
                  <Link to={`/marketing/campaigns/${c.id}`}>{c.name}</Link>
                </td>
                <td>
                  <CampaignStatus status={c.status} />
                </td>
                <td className="d-none d-sm-table-cell">{t(`camp.channel.${c.channel}` as 'camp.channel.email') ?? c.channel}</td>
                <td className="d-none d-md-table-cell text-end">{c.targeted}</td>
                <td className="d-none d-md-table-cell text-end">{money(c.cost)}</td>
                <td className="d-none d-lg-table-cell">{dateTime(c.launched_at)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
        <div className="d-flex gap-2 align-items-center">
          <Button size="sm" variant="outline-secondary" disabled={page <= 1} onClick={() => go({ page: String(page - 1) })}>
            ‹
          </Button>
          <span className="small">
            {page} / {pages}
          </span>
          <Button size="sm" variant="outline-secondary" disabled={page >= pages} onClick={() => go({ page: String(page + 1) })}>
            ›
          </Button>
        </div>
      </AsyncState>
    </>
  );
}
