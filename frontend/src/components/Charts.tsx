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
