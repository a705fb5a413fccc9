import type { Span } from '../../../../shared/schemas/mlflow.js';
import { formatCount, formatDuration } from '../../format.js';
import { JsonValue } from '../JsonBlock.js';
import { SpanPayload } from './SpanPayload.js';
import { TraceStateBadge } from './TraceState.js';

/** Everything about the selected span: status, timing, token usage, inputs/outputs, exceptions, events and attributes. */
export function SpanDetail({ span, traceStartMs }: { span: Span; traceStartMs: number }) {
  const otherEvents = span.events.filter((e) => e.name !== 'exception');
  const attributes = Object.entries(span.attributes).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="ml-span" data-testid="span-detail" data-span-id={span.spanId}>
      <header className="ml-span__head">
        <h3 className="ml-title" data-testid="span-detail-name">
          {span.name}
        </h3>
        {span.type && <span className="tag">{span.type}</span>}
        <TraceStateBadge state={span.status} testId="span-state" />
      </header>
      {span.statusMessage !== '' && <p className="ml-span__status-message">{span.statusMessage}</p>}
      <dl className="ml-facts">
        <dt>Start</dt>
        <dd>+{formatDuration(span.startMs - traceStartMs)}</dd>
        <dt>Duration</dt>
        <dd>{span.endMs === null ? 'not ended' : formatDuration(span.endMs - span.startMs)}</dd>
        {span.model && (
          <>
            <dt>Model</dt>
            <dd>{span.model}</dd>
          </>
        )}
        {span.usage && (
          <>
            <dt>Tokens</dt>
            <dd data-testid="span-tokens">
              {formatCount(span.usage.input)} in · {formatCount(span.usage.output)} out · {formatCount(span.usage.total)} total
            </dd>
          </>
        )}
        <dt>Span ID</dt>
        <dd className="ml-mono">{span.spanId}</dd>
      </dl>
      {span.truncated && <p className="note">Some values of this span are large and are shown cut short.</p>}

      {span.exceptions.length > 0 && (
        <section className="ml-section" data-testid="span-exceptions">
          <h4>Exceptions</h4>
          {span.exceptions.map((ex, i) => (
            <div key={i} className="ml-exception" data-testid="span-exception">
              <div className="ml-exception__title">
                <strong>{ex.type ?? 'Exception'}</strong>
                {ex.message && `: ${ex.message}`}
              </div>
              {ex.stacktrace && <pre className="ml-pre ml-exception__stack">{ex.stacktrace}</pre>}
            </div>
          ))}
        </section>
      )}

      <section className="ml-section">
        <h4>Inputs</h4>
        <SpanPayload value={span.inputs} label="Inputs" testId="span-inputs" />
      </section>
      <section className="ml-section">
        <h4>Outputs</h4>
        <SpanPayload value={span.outputs} label="Outputs" testId="span-outputs" />
      </section>

      {otherEvents.length > 0 && (
        <section className="ml-section">
          <h4>Events</h4>
          {otherEvents.map((e, i) => (
            <details key={i}>
              <summary>{e.name}</summary>
              <JsonValue value={e.attributes} />
            </details>
          ))}
        </section>
      )}

      <section className="ml-section">
        <h4>Attributes</h4>
        {attributes.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <table className="ml-table ml-table--compact ml-kv" data-testid="span-attributes">
            <tbody>
              {attributes.map(([key, value]) => (
                <tr key={key}>
                  <th scope="row" className="ml-mono">
                    {key}
                  </th>
                  <td className="ml-kv__value ml-mono">{typeof value === 'string' ? value : JSON.stringify(value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
