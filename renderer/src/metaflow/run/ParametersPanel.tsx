import type { RunDetail } from '../../../../shared/contract.js';
import { asPreview } from '../preview/preview-value.js';
import { PreviewSummary } from '../preview/PreviewValueView.js';
import { ErrorBoundary } from '../../ui/ErrorBoundary.js';

interface Props {
  parameters: RunDetail['parameters'];
  /** Opens the `_parameters` pseudo task, where the values are stored as artifacts. */
  onOpenTask: () => void;
}

/** The run's Parameters, each with its decoded value. */
export function ParametersPanel({ parameters, onOpenTask }: Props) {
  return (
    <section className="panel run-panel" aria-labelledby="parameters-title">
      <div className="run-panel__head">
        <h3 id="parameters-title" className="run-panel__title">
          Parameters
        </h3>
        <button type="button" className="button button--quiet button--small" onClick={onOpenTask} title="The _parameters pseudo task, which stores them as artifacts">
          _parameters task ›
        </button>
      </div>
      {parameters.length === 0 ? (
        <p className="empty">This run has no parameters: a flow’s <code>Parameter</code> values are listed here.</p>
      ) : (
        <table className="kv" data-testid="parameters">
          <tbody>
            {parameters.map((p) => {
              const value = asPreview(p.value);
              return (
                <tr key={p.name} data-testid="parameter">
                  <th scope="row" className="kv__key" data-testid="parameter-name">
                    {p.name}
                  </th>
                  <td className="kv__value" data-testid="parameter-value">
                    <ErrorBoundary what="this value">
                      {value ? <PreviewSummary value={value} /> : <span className="muted">unreadable value</span>}
                    </ErrorBoundary>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
