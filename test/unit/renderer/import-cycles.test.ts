import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../renderer/src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Each module's relative imports inside renderer/src, type-only ones included: they tie folders together as much. */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const specs = [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s+'(\.[^']+)\.js'/g)].map((m) => path.resolve(path.dirname(file), m[1]));
      return [file, specs.flatMap((base) => [`${base}.ts`, `${base}.tsx`].filter((f) => known.has(f)))];
    }),
  );
}

function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[][] = [];
  const visit = (file: string, trail: string[]) => {
    state.set(file, 'open');
    for (const dep of graph.get(file) ?? []) {
      const chain = [...trail, file];
      if (state.get(dep) === 'open') found.push([...chain.slice(chain.indexOf(dep)), dep].map((f) => path.relative(SRC, f)));
      else if (!state.has(dep)) visit(dep, [...trail, file]);
    }
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file, []);
  return found;
}

it('renderer modules import one another without a circle', () => {
  const graph = importGraph(sources(SRC));
  expect(graph.size).toBeGreaterThan(100);
  expect(cycles(graph)).toEqual([]);
});
