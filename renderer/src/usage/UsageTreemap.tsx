import { ResponsiveContainer, Tooltip, Treemap } from 'recharts';
import type { UsageRow } from '../../../shared/schemas/usage.js';
import { formatBytes } from '../format.js';

// The level's rows as areas: each row's bytes (artifacts it names, unreferenced CAS for a flow, logs
// and cards). Only the largest rows are drawn: past a few hundred the areas are too small to read.

const MAX_CELLS = 200;

function totalBytes(row: UsageRow): number {
  return row.uniqueBytes + row.sharedBytes + row.unreferencedBytes + row.logBytes + row.cardBytes;
}

interface Cell {
  name: string;
  size: number;
  [key: string]: unknown;
}

export function UsageTreemap({ rows, onOpen }: { rows: UsageRow[]; onOpen?: (name: string) => void }) {
  const data: Cell[] = rows
    .map((r) => ({ name: r.name, size: totalBytes(r) }))
    .filter((c) => c.size > 0)
    .sort((a, b) => b.size - a.size)
    .slice(0, MAX_CELLS);
  if (data.length === 0) return <p className="muted">Nothing stored here.</p>;
  return (
    <div className="usage-treemap" data-testid="usage-treemap">
      <ResponsiveContainer width="100%" height="100%">
        <Treemap
          data={data}
          dataKey="size"
          nameKey="name"
          stroke="var(--surface, #fff)"
          fill="var(--accent, #3b6fb6)"
          isAnimationActive={false}
          onClick={(node: { name?: unknown }) => {
            if (onOpen && typeof node.name === 'string') onOpen(node.name);
          }}
        >
          <Tooltip formatter={(value) => formatBytes(Number(value))} />
        </Treemap>
      </ResponsiveContainer>
    </div>
  );
}
