/** JSON (or any pre-formatted text) in a scrollable monospace block. */
export function JsonBlock({ text, testId }: { text: string; testId?: string }) {
  return (
    <pre className="ml-pre ml-pre--json" data-testid={testId}>
      {text}
    </pre>
  );
}

/** A JSON value pretty-printed; strings are shown as they are, not quoted. */
export function JsonValue({ value, testId }: { value: unknown; testId?: string }) {
  return <JsonBlock text={typeof value === 'string' ? value : JSON.stringify(value, null, 2)} testId={testId} />;
}
