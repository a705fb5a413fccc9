// Recognises the chat shapes LLM spans carry in their inputs and outputs, so the span view can show
// them as a conversation instead of raw JSON: OpenAI requests (`messages`) and responses (`choices[].message`),
// Anthropic requests (`messages` with content blocks, top-level `system`) and responses (`content` blocks).

export interface ToolCall {
  name: string;
  arguments: string;
}

export interface ChatMessage {
  role: string;
  /** Plain text of the message; empty when it only calls tools. */
  text: string;
  toolCalls: ToolCall[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** Text and tool calls of one content value: a string, null, or a list of OpenAI parts / Anthropic blocks. */
function readContent(content: unknown): { text: string; toolCalls: ToolCall[] } | null {
  if (content === null || content === undefined) return { text: '', toolCalls: [] };
  if (typeof content === 'string') return { text: content, toolCalls: [] };
  if (!Array.isArray(content)) return null;
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of content) {
    if (typeof block === 'string') texts.push(block);
    else if (!isObject(block)) return null;
    else if (typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_use' && typeof block.name === 'string') toolCalls.push({ name: block.name, arguments: stringify(block.input ?? {}) });
    else if (block.type === 'tool_result') texts.push(readContent(block.content)?.text ?? stringify(block.content));
    else if (block.type === 'image_url' || block.type === 'image') texts.push('[image]');
    else return null;
  }
  return { text: texts.join('\n'), toolCalls };
}

function openAiToolCalls(value: unknown): ToolCall[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((call): ToolCall[] => {
    if (!isObject(call) || !isObject(call.function) || typeof call.function.name !== 'string') return [];
    return [{ name: call.function.name, arguments: stringify(call.function.arguments ?? '') }];
  });
}

function readMessage(value: unknown): ChatMessage | null {
  if (!isObject(value) || typeof value.role !== 'string') return null;
  const content = readContent(value.content);
  if (content === null) return null;
  return { role: value.role, text: content.text, toolCalls: [...content.toolCalls, ...openAiToolCalls(value.tool_calls)] };
}

function readMessages(list: unknown[]): ChatMessage[] | null {
  const messages: ChatMessage[] = [];
  for (const item of list) {
    const message = readMessage(item);
    if (message === null) return null;
    messages.push(message);
  }
  return messages;
}

/** The conversation a span input or output holds, or null when it is not chat. */
export function chatMessages(value: unknown): ChatMessage[] | null {
  if (Array.isArray(value)) return value.length > 0 ? readMessages(value) : null;
  if (!isObject(value)) return null;
  if (Array.isArray(value.messages)) {
    const messages = readMessages(value.messages);
    if (messages === null) return null;
    // Anthropic keeps the system prompt beside the messages.
    const system = readContent(value.system);
    if (typeof value.system !== 'undefined' && system !== null && system.text !== '') {
      return [{ role: 'system', text: system.text, toolCalls: [] }, ...messages];
    }
    return messages;
  }
  if (Array.isArray(value.choices)) {
    const messages = value.choices.map((choice) => (isObject(choice) ? readMessage(choice.message) : null));
    return messages.every((m): m is ChatMessage => m !== null) && messages.length > 0 ? messages : null;
  }
  if (typeof value.role === 'string' && Array.isArray(value.content)) {
    const message = readMessage(value);
    return message === null ? null : [message];
  }
  return null;
}
