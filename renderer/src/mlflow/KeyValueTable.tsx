/** Params, tags or latest metrics as a two-column table, sorted by key. */
export function KeyValueTable({ entries, label, testId }: { entries: [string, string][]; label: string; testId: string }) {
  if (entries.length === 0) return <p className="muted">No {label.toLowerCase()}.</p>;
  return (
    <table className="ml-table ml-table--compact ml-kv" aria-label={label} data-testid={testId}>
      <tbody>
        {[...entries]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => (
            <tr key={key}>
              <th scope="row" className="ml-mono">
                {key}
              </th>
              <td className="ml-kv__value">{value}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
