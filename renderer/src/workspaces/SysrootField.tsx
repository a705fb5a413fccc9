import type { SysrootCheck } from '../../../shared/sysroot.js';

interface Props {
  value: string;
  check: SysrootCheck;
  onChange: (value: string) => void;
}

/** The sysroot input with every rule it breaks listed under it, updated on each keystroke. */
export function SysrootField({ value, check, onChange }: Props) {
  return (
    <div className="field">
      <label htmlFor="sysroot">Sysroot</label>
      <input
        id="sysroot"
        className="input input--mono"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="container/prefix"
        spellCheck={false}
        autoComplete="off"
        aria-invalid={!check.ok}
        aria-describedby="sysroot-help"
        data-testid="sysroot-input"
      />
      <div id="sysroot-help">
        {check.ok ? (
          <p className="field__help">
            Metaflow’s <code>METAFLOW_DATASTORE_SYSROOT_AZURE</code>: container <code>{check.value.container}</code>
            {check.value.prefix !== '' && <>, prefix <code>{check.value.prefix}/</code></>}
          </p>
        ) : (
          <ul className="field__errors" data-testid="sysroot-errors">
            {check.errors.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
