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

const FIELDS: { key: keyof LimitsInput; id: string; label: string; parse: typeof parseBandwidth; placeholder: string; help: string }[] = [
  {
    key: 'maxConcurrency',
    id: 'settings-max-concurrency',
    label: 'Most requests in flight',
    parse: parseMaxConcurrency,
    placeholder: 'automatic',
    help: 'Upper bound on requests to Azure at once, 1 to 1,024. Stratus tunes the number below it from measured speed; empty lets it go up to 256.',
  },
  {
    key: 'bandwidthMiBps',
    id: 'settings-bandwidth',
    label: 'Bandwidth cap (MiB/s)',
    parse: parseBandwidth,
    placeholder: 'none',
    help: 'Total over all uploads and downloads, e.g. 0.5 or 50, so transfers leave room for other work. Empty for no cap. Applies at once to running transfers.',
  },
];

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
      {FIELDS.map((field) => (
        <TextField
          key={field.key}
          id={field.id}
          label={field.label}
          optional
          mono={false}
          value={input[field.key]}
          onChange={(value) => setInput({ ...input, [field.key]: value })}
          errors={errorsOf(field.parse(input[field.key]))}
          placeholder={field.placeholder}
          help={field.help}
          testId={field.id}
        />
      ))}
      <div className="settings-transfers__actions">
        <button type="submit" className="button button--small" disabled={busy || next === undefined || !changed} data-testid="settings-transfers-apply">
          Apply limits
        </button>
      </div>
    </form>
  );
}
