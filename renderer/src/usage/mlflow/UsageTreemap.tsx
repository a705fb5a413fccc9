import { ResponsiveContainer, Tooltip, Treemap, type TreemapNode } from 'recharts';
import { formatBytes } from '../../format.js';
import type { TreemapCell } from './usage-table.js';

/** Areas by bytes; clicking a cell opens what it stands for. */
export function UsageTreemap({ cells, onOpen, label }: { cells: TreemapCell[]; onOpen?: (id: string) => void; label: string }) {
  if (cells.length === 0) return <p className="empty">Nothing here holds any bytes yet.</p>;
  const open = (node: TreemapNode) => {
    if (onOpen && typeof node.id === 'string') onOpen(node.id);
  };
  return (
    <div className="usage-treemap" data-testid="usage-treemap" aria-label={label} role="img">
      <ResponsiveContainer width="100%" height={220}>
        <Treemap data={cells} dataKey="size" nameKey="name" isAnimationActive={false} stroke="var(--bg, #fff)" fill="#4f7cac" onClick={open}>
          <Tooltip formatter={(value) => formatBytes(Number(value))} />
        </Treemap>
      </ResponsiveContainer>
    </div>
  );
}
