import type { ReactNode } from 'react';

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Rules the value breaks; listed under the input. */
  errors?: string[];
  help?: ReactNode;
  placeholder?: string;
  /** Secrets: never shown, never offered to the browser's password manager. */
  secret?: boolean;
  mono?: boolean;
  optional?: boolean;
  testId?: string;
}

/** A labelled one-line input with its help or its errors beneath. */
export function TextField({ id, label, value, onChange, errors = [], help, placeholder, secret = false, mono = true, optional = false, testId }: Props) {
  const invalid = errors.length > 0;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {optional && <span className="field__optional"> (optional)</span>}
      </label>
      <input
        id={id}
        type={secret ? 'password' : 'text'}
        className={mono ? 'input input--mono' : 'input'}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete={secret ? 'new-password' : 'off'}
        aria-invalid={invalid}
        aria-describedby={`${id}-help`}
        data-testid={testId}
      />
      <div id={`${id}-help`}>
        {invalid ? (
          <ul className="field__errors">
            {errors.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        ) : (
          help && <p className="field__help">{help}</p>
        )}
      </div>
    </div>
  );
}
