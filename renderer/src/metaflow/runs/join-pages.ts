import type { RunList } from '../../../../shared/contract.js';

/**
 * The pages of a service's runs list as one list: the first page says where it came from (service or cache), the
 * last whether the service has more. A run that moved between pages while they were read is shown once.
 */
export function joinPages(pages: readonly RunList[]): RunList {
  const [first] = pages;
  const last = pages[pages.length - 1];
  const seen = new Set<string>();
  const runs = pages.flatMap((p) => p.runs).filter((r) => !seen.has(r.id) && seen.add(r.id) !== undefined);
  return { ...first, runs, next: last.next };
}
