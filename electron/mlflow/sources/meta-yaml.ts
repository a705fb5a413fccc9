// The `meta.yaml` / `trace_info.yaml` files of MLflow's FileStore: PyYAML `safe_dump` of a flat
// dict of scalars (plus `tags: []`). Hand-written because no YAML library is a dependency of the
// app and these files use only: `key: value` lines, values plain, 'single-quoted' ('' escapes a
// quote) or "double-quoted" (JSON-like escapes), long plain/quoted values folded onto indented lines.
// Nested mappings (a v3 trace_location) are read one level deep as `parent.child` keys.

function unquote(raw: string): string {
  const value = raw.trim();
  if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) return value.slice(1, -1).replace(/''/g, "'");
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return value.slice(1, -1);
    }
  }
  if (value === 'null' || value === '~') return '';
  return value;
}

/** Flat `key → string` view of a FileStore YAML file. */
export function parseMetaYaml(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  let key: string | null = null;
  let parent: string | null = null;
  let value = '';
  const flush = () => {
    if (key !== null) out[key] = unquote(value);
    key = null;
    value = '';
  };
  for (const line of lines) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indented = /^\s/.test(line);
    if (indented && parent === null) {
      // A folded continuation of the value above.
      if (key !== null) value += ` ${line.trim()}`;
      continue;
    }
    const match = /^(\s*)([A-Za-z0-9_.-]+):(?:\s+(.*)|\s*)$/.exec(line);
    if (!match) continue;
    flush();
    const rest = match[3] ?? '';
    if (!indented) {
      parent = rest === '' ? match[2] : null;
      if (parent === null) {
        key = match[2];
        value = rest;
      }
    } else if (rest !== '') {
      key = `${parent}.${match[2]}`;
      value = rest;
    }
  }
  flush();
  return out;
}
