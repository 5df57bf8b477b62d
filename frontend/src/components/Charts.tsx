import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Filler,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Filler, Tooltip, Legend);

interface Series {
  labels: string[];
  values: number[];
  label: string;
}

export function BarChart({ labels, values, label }: Series) {
  return (
    <Bar
      aria-label={label}
      role="img"
      data={{ labels, datasets: [{ label, data: values, backgroundColor: '#0d6efd' }] }}
      options={{ responsive: true, plugins: { legend: { display: false } } }}
    />
  );
}

export function LineChart({ labels, values, label }: Series) {
  return (
    <Line
      aria-label={label}
      role="img"
      data={{ labels, datasets: [{ label, data: values, borderColor: '#198754', tension: 0.2 }] }}
      options={{ responsive: true, plugins: { legend: { display: false } } }}
    />
  );
}

const PALETTE = ['#0d6efd', '#198754', '#fd7e14', '#6f42c1', '#dc3545'];

/** Several series over the same labels, with a legend. */
export function MultiLineChart({ labels, series, label }: { labels: string[]; series: { label: string; values: number[] }[]; label: string }) {
  return (
    <Line
      aria-label={label}
      role="img"
      data={{
        labels,
        datasets: series.map((s, i) => ({ label: s.label, data: s.values, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], tension: 0.2 })),
      }}
      options={{ responsive: true, plugins: { legend: { display: true, position: 'bottom' } } }}
    />
  );
}

/** Grouped bars: one group per label, one bar per series. */
export function GroupedBarChart({ labels, series, label }: { labels: string[]; series: { label: string; values: number[] }[]; label: string }) {
  return (
    <Bar
      aria-label={label}
      role="img"
      data={{
        labels,
        datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: PALETTE[i % PALETTE.length] })),
      }}
      options={{ responsive: true, plugins: { legend: { display: true, position: 'bottom' } } }}
    />
  );
}
