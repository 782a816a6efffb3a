// Horizontal bar charts on a 0–100 scale with Chart.js (only the parts a bar chart needs, so the
// bundle stays small): the firm's six domain scores against the peer median on the results page,
// and the shares of each answer among SMEs and large firms on a campaign's dashboard. Loaded with
// those pages only.

import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'sans-serif';
Chart.defaults.color = '#1f2933';

export interface Series {
  label: string;
  data: (number | null)[];
  color: string;
}

/** Draws a horizontal bar chart of values 0–100 (unit after each tick, e.g. "%") on canvas; returns a function that removes it. */
export function barChart(canvas: HTMLCanvasElement, labels: (string | string[])[], series: Series[], locale: string, unit = ''): () => void {
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((s) => ({
        label: s.label,
        data: s.data,
        backgroundColor: s.color,
        borderColor: s.color,
        borderWidth: 1,
        barPercentage: 0.9,
        categoryPercentage: 0.8,
      })),
    },
    options: {
      indexAxis: 'y',
      locale,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { min: 0, max: 100, ticks: { stepSize: 20, callback: (v) => `${v}${unit}` }, grid: { color: '#d9dee3' } },
        y: { ticks: { autoSkip: false, font: { size: 13 } }, grid: { display: false } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 14, font: { size: 13 } } },
        tooltip: { enabled: true },
      },
    },
  });
  return () => chart.destroy();
}
