import type { MetricHistory } from '../../../../shared/schemas/mlflow.js';

// Recharts draws one line per data key over shared rows; this merges each run's history into
// rows keyed by the x value (step, or wall-clock ms), one column per run.

export type XAxisKind = 'step' | 'time';

export interface ChartRow {
  x: number;
  [series: string]: number | null;
}

/** Column name of the i-th run in the merged rows. */
export const seriesKey = (i: number) => `s${i}`;

export function mergeSeries(history: MetricHistory, runIds: readonly string[], axis: XAxisKind): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  runIds.forEach((runId, i) => {
    const series = history.series.find((s) => s.runId === runId);
    for (const point of series?.points ?? []) {
      const x = axis === 'step' ? point.step : point.timestamp;
      let row = rows.get(x);
      if (row === undefined) {
        row = { x };
        rows.set(x, row);
      }
      row[seriesKey(i)] = point.value;
    }
  });
  return [...rows.values()].sort((a, b) => a.x - b.x);
}

/** Distinct colours for overlaid runs, readable on light and dark backgrounds. */
export const SERIES_COLOURS = ['#2f6fed', '#e0612f', '#1f8a5b', '#a23fd1', '#c4302b', '#0f9bb5', '#b58a00', '#6b7385'];

/** A metric value as MLflow shows it: integers whole, others to 8 significant digits; null is NaN (or ±Infinity). */
export const formatMetric = (v: number | null) => (v === null ? 'NaN' : String(Number.isInteger(v) ? v : Number(v.toPrecision(8))));

/** Whether a history is worth a chart: some run has two points or more; otherwise its values are shown. */
export const isChartable = (history: MetricHistory) => history.series.some((s) => s.points.length >= 2);

/** Lowest and highest recorded value (NaN points left out), and how many points there are; null without any value. */
export function metricRange(points: readonly { value: number | null }[]): { min: number; max: number; count: number } | null {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  if (values.length === 0) return null;
  return { min: Math.min(...values), max: Math.max(...values), count: points.length };
}
