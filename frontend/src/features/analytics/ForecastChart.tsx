import { CategoryScale, Chart as ChartJS, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { Line } from 'react-chartjs-2';
import type { Schemas } from '../../api/client';
import { useI18n } from '../../lib/i18n';

ChartJS.register(CategoryScale, LinearScale, LineElement, PointElement, Filler, Tooltip, Legend);

/** History, in-sample fit, forecast and its 95% prediction band (filled between low and high). */
export function ForecastChart({ f }: { f: Schemas['SalesForecast'] }) {
  const { t } = useI18n();
  const labels = [...f.history.map((h) => h.period), ...f.forecast.map((m) => m.period)];
  const pad = (n: number) => Array<number | null>(n).fill(null);
  const h = f.history.length;
  return (
    <Line
      role="img"
      aria-label={t('fc.title')}
      data={{
        labels,
        datasets: [
          { label: t('fc.revenue'), data: [...f.history.map((x) => Number(x.revenue)), ...pad(f.forecast.length)], borderColor: '#0d6efd' },
          { label: t('fc.fit'), data: [...f.history.map((x) => x.fitted), ...pad(f.forecast.length)], borderColor: '#6c757d', borderDash: [4, 4] },
          { label: t('fc.forecast'), data: [...pad(h), ...f.forecast.map((x) => x.revenue)], borderColor: '#198754' },
          { label: t('fc.low'), data: [...pad(h), ...f.forecast.map((x) => x.pi_low)], borderColor: 'transparent', pointRadius: 0 },
          {
            label: t('fc.high'),
            data: [...pad(h), ...f.forecast.map((x) => x.pi_high)],
            borderColor: 'transparent',
            backgroundColor: 'rgba(25,135,84,0.15)',
            pointRadius: 0,
            fill: '-1',
          },
        ],
      }}
      options={{ responsive: true }}
    />
  );
}
