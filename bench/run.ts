import { formatMeasure, type Report } from './report.js';

// Benchmarks against Azurite: `npm run bench` runs every group, `npm run bench -- <group>…` the ones
// named. Each group prints one line per measure (see report.ts).

interface Group {
  run(report: Report): Promise<void>;
}

// Loaded on demand: a group's setup (and any failure in it) only concerns runs that ask for it.
const GROUPS: Record<string, () => Promise<Group>> = {
  token: () => import('./groups/token.js'),
  gc: () => import('./groups/gc.js'),
  metaflow: () => import('./groups/metaflow.js'),
  flows: () => import('./groups/flows.js'),
  mlflow: () => import('./groups/mlflow.js'),
  transfer: () => import('./groups/transfer.js'),
};

const names = process.argv.slice(2);
const unknown = names.filter((name) => !Object.hasOwn(GROUPS, name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark group: ${unknown.join(', ')}. The groups are: ${Object.keys(GROUPS).join(', ')}.`);
  process.exit(2);
}
const report: Report = (measure) => console.log(formatMeasure(measure));
for (const name of names.length > 0 ? names : Object.keys(GROUPS)) {
  const group = await GROUPS[name]();
  await group.run(report);
}
