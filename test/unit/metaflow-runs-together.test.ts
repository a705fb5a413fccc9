import { describe, expect, it } from 'vitest';
import { groupRuns } from '../../electron/metaflow/runs-together.js';

// Which runs on screen are listed together: by the prefix their ids share, when it names few other runs.

/** Ids as the local runtime makes them (start in microseconds), a quarter of an hour apart, newest first. */
const listed = Array.from({ length: 200 }, (_, i) => String(1_795_899_351_814_196 - i * 900_000_000));

describe('groupRuns', () => {
  it('lists rows next to each other with one prefix that names at most twice as many runs', () => {
    const screen = listed.slice(0, 25);
    const groups = groupRuns(screen, listed);
    const together = groups.flatMap((g) => g.ids);
    // A row whose prefix is shared by no other row (at a digit boundary) is listed alone.
    expect(together.every((id) => screen.includes(id))).toBe(true);
    expect(together.length).toBeGreaterThanOrEqual(screen.length * 0.8);
    expect(groups.length).toBeLessThan(screen.length / 4);
    for (const group of groups) {
      for (const id of group.ids) expect(id.startsWith(group.prefix)).toBe(true);
      expect(listed.filter((id) => id.startsWith(group.prefix)).length).toBeLessThanOrEqual(Math.max(8, 2 * group.ids.length));
    }
  });

  it('leaves out runs far apart, and never a prefix that names the content store or the metadata folder', () => {
    const ids = ['data-run', 'dev-run', '_meta-x', '_metb'];
    expect(groupRuns([listed[0], listed[199]], listed)).toEqual([]);
    expect(groupRuns(['dab', 'dac'], [...ids, 'dab', 'dac'])).toEqual([]);
    expect(groupRuns(['xab', 'xac'], [...ids, 'xab', 'xac'])).toEqual([{ prefix: 'xa', ids: ['xab', 'xac'] }]);
    expect(groupRuns(['data-run', 'dev-run'], ids)).toEqual([]);
    expect(groupRuns(['_meta-x', '_metb'], ids)).toEqual([]);
  });
});
