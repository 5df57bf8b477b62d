import { Card, Form, Table } from 'react-bootstrap';
import { Link, useSearchParams } from 'react-router';
import { AsyncState } from '../../components/AsyncState';
import { GroupedBarChart } from '../../components/Charts';
import { money, percent } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useCampaigns, useCompareCampaigns } from './hooks';
import { MarketingTabs } from './MarketingTabs';

const rate = (v: string | null | undefined) => (v == null ? '—' : percent(Number(v)));

/** Campaigns side by side: delivery, engagement, conversions, revenue against cost. */
export function ComparePage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const ids = (params.get('ids') ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
    .slice(0, 20);
  const all = useCampaigns({ page: 1 });
  const cmp = useCompareCampaigns(ids);
  const rows = cmp.data ?? [];
  const toggle = (id: number, on: boolean) => {
    const next = on ? [...ids, id] : ids.filter((x) => x !== id);
    setParams(next.length ? { ids: next.join(',') } : {});
  };
  return (
    <>
      <h1 className="h3">{t('nav.marketing')}</h1>
      <MarketingTabs />
      <Card body className="mb-3">
        <div className="small text-muted mb-1">{t('camp.pickToCompare')}</div>
        <AsyncState isLoading={all.isLoading} error={all.error} isEmpty={(all.data?.items ?? []).length === 0} onRetry={() => all.refetch()}>
          <div className="d-flex flex-wrap gap-3">
            {(all.data?.items ?? []).map((c) => (
              <Form.Check
                key={c.id}
                id={`cmp-${c.id}`}
                label={c.name}
                checked={ids.includes(c.id)}
                disabled={!ids.includes(c.id) && ids.length >= 20}
                onChange={(e) => toggle(c.id, e.target.checked)}
              />
            ))}
          </div>
        </AsyncState>
      </Card>
      {ids.length === 0 ? (
        <p className="text-muted">{t('camp.pickToCompare')}</p>
      ) : (
        <AsyncState isLoading={cmp.isLoading} error={cmp.error} isEmpty={rows.length === 0} onRetry={() => cmp.refetch()}>
          <Card body className="mb-3">
            <GroupedBarChart
              label={t('camp.compare')}
              labels={rows.map((r) => r.name)}
              series={[
                { label: t('camp.cost'), values: rows.map((r) => Number(r.cost)) },
                { label: t('camp.revenue'), values: rows.map((r) => Number(r.revenue)) },
              ]}
            />
          </Card>
          <Table size="sm" responsive hover data-testid="compare-table">
            <thead>
              <tr>
                <th>{t('camp.name')}</th>
                <th>{t('camp.channel')}</th>
                <th className="text-end">{t('camp.sent')}</th>
                <th className="text-end">{t('camp.openRate')}</th>
                <th className="text-end">{t('camp.clickRate')}</th>
                <th className="text-end">{t('camp.conversionRate')}</th>
                <th className="text-end">{t('camp.revenue')}</th>
                <th className="text-end">{t('camp.cost')}</th>
                <th className="text-end">{t('camp.roi')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.campaign_id}>
                  <td>
                    <Link to={`/marketing/campaigns/${r.campaign_id}`}>{r.name}</Link>
                  </td>
                  <td>{t(`camp.channel.${r.channel}` as 'camp.channel.email') ?? r.channel}</td>
                  <td className="text-end">{r.sent}</td>
                  <td className="text-end">{rate(r.rates.open)}</td>
                  <td className="text-end">{rate(r.rates.click)}</td>
                  <td className="text-end">{rate(r.rates.conversion)}</td>
                  <td className="text-end">{money(r.revenue)}</td>
                  <td className="text-end">{money(r.cost)}</td>
                  <td className="text-end">{r.roi == null ? '—' : percent(Number(r.roi))}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </AsyncState>
      )}
    </>
  );
}
