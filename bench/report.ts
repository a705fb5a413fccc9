// The one line format every benchmark group prints, so runs can be compared and grepped:
// `<measure>: <value> <unit> (<ratio>× vs <baseline>: <value> <unit>)`.

export interface Measure {
  name: string;
  value: number;
  unit: string;
  /** What the measure is compared with, in the same unit. */
  baseline: { name: string; value: number };
}

const number = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/** For measures where less is better (calls, milliseconds): the ratio says how many times less. */
export function formatMeasure({ name, value, unit, baseline }: Measure): string {
  const ratio = (baseline.value / value).toFixed(2);
  return `${name}: ${number(value)} ${unit} (${ratio}× vs ${baseline.name}: ${number(baseline.value)} ${unit})`;
}

export type Report = (measure: Measure) => void;
