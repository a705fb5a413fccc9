import type { RunInput } from '../../../../shared/schemas/mlflow.js';

/** Datasets logged with `mlflow.log_input`: name, digest, context tag and source. */
export function RunInputs({ inputs }: { inputs: RunInput[] }) {
  return (
    <table className="ml-table ml-table--compact" data-testid="run-inputs">
      <thead>
        <tr>
          <th>Dataset</th>
          <th>Digest</th>
          <th>Context</th>
          <th>Source type</th>
          <th>Source</th>
        </tr>
      </thead>
      <tbody>
        {inputs.map((input) => (
          <tr key={`${input.name}/${input.digest}`}>
            <td>{input.name}</td>
            <td className="ml-mono">{input.digest}</td>
            <td>{input.tags['mlflow.data.context'] ?? <span className="muted">—</span>}</td>
            <td>{input.sourceType}</td>
            <td className="ml-mono ml-ellipsis" title={input.source}>
              {input.source}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
