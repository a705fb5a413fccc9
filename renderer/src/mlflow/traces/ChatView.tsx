import type { ChatMessage } from './chat.js';

/** A conversation: one bubble per message, its role named, tool calls listed with their arguments. */
export function ChatView({ messages, label }: { messages: ChatMessage[]; label: string }) {
  return (
    <ol className="ml-chat" aria-label={label} data-testid="chat">
      {messages.map((m, i) => (
        <li key={i} className={`ml-chat__msg ml-chat__msg--${m.role.replace(/[^a-z]/gi, '')}`} data-role={m.role} data-testid="chat-message">
          <span className="ml-chat__role">{m.role}</span>
          {m.text !== '' && <div className="ml-chat__text">{m.text}</div>}
          {m.toolCalls.map((call, j) => (
            <div key={j} className="ml-chat__tool">
              <span className="ml-chat__tool-name">→ {call.name}</span>
              <code className="ml-mono">{call.arguments}</code>
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}
