import { useState } from 'react';
import { chatMessages } from './chat.js';
import { ChatView } from './ChatView.js';
import { JsonValue } from '../JsonBlock.js';

/** A span's inputs or outputs: as chat when they are chat (with a switch to the raw JSON), JSON otherwise. */
export function SpanPayload({ value, label, testId }: { value: unknown; label: string; testId: string }) {
  const messages = chatMessages(value);
  const [raw, setRaw] = useState(false);
  if (value === null || value === undefined) return <p className="muted">None recorded.</p>;
  return (
    <div data-testid={testId}>
      {messages !== null && (
        <button type="button" className="button button--small button--quiet ml-payload__switch" onClick={() => setRaw(!raw)}>
          {raw ? 'Show as chat' : 'Show JSON'}
        </button>
      )}
      {messages !== null && !raw ? <ChatView messages={messages} label={label} /> : <JsonValue value={value} />}
    </div>
  );
}
