import { useState, type FormEvent } from 'react';
import type { Settings } from '../../../shared/contract.js';
import { TextField } from '../ui/TextField.js';
import { limitsInput, parseBandwidth, parseMaxConcurrency, withLimits, type LimitsInput } from './transfer-limits.js';

interface Props {
  settings: Settings;
  /** A save is in flight. */
  busy: boolean;
  onSave: (next: Settings) => void;
}

function errorsOf(parsed: ReturnType<typeof parseBandwidth>): string[] {
  return parsed.ok ? [] : [parsed.error];
}

/** The transfer engine's limits: typed, checked here, and sent only when valid; main applies them to running transfers at once. */
export function TransferLimitsForm({ settings, busy, onSave }: Props) {
  const [input, setInput] = useState<LimitsInput>(() => limitsInput(settings));
  const next = withLimits(settings, input);
  const saved = limitsInput(settings);
  const changed = input.maxConcurrency.trim() !== saved.maxConcurrency || input.bandwidthMiBps.trim() !== saved.bandwidthMiBps;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (next && changed) onSave(next);
  };

  return (
    <form className="settings-transfers" onSubmit={submit} aria-labelledby="settings-transfers-title" noValidate>
      <h3 id="settings-transfers-title" className="settings-transfers__title">
        Transfers
      </h3>
      <TextField
        id="settings-max-concurrency"
        label="Most requests in flight"
        optional
        mono={false}
        value={input.maxConcurrency}
        onChange={(maxConcurrency) => setInput({ ...input, maxConcurrency })}
        errors={errorsOf(parseMaxConcurrency(input.maxConcurrency))}
        placeholder="automatic"
        help="Upper bound on requests to Azure at once, 1 to 1,024. Stratus tunes the number below it from measured speed; empty lets it go up to 256."
        testId="settings-max-concurrency"
      />
      <TextField
        id="settings-bandwidth"
        label="Bandwidth cap (MiB/s)"
        optional
        mono={false}
        value={input.bandwidthMiBps}
        onChange={(bandwidthMiBps) => setInput({ ...input, bandwidthMiBps })}
        errors={errorsOf(parseBandwidth(input.bandwidthMiBps))}
        placeholder="none"
        help="Total over all uploads and downloads, e.g. 0.5 or 50, so transfers leave room for other work. Empty for no cap. Applies at once to running transfers."
        testId="settings-bandwidth"
      />
      <div className="settings-transfers__actions">
        <button type="submit" className="button button--small" disabled={busy || next === undefined || !changed} data-testid="settings-transfers-apply">
          Apply limits
        </button>
      </div>
    </form>
  );
}
