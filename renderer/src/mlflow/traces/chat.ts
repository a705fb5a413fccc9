// Recognises the chat shapes LLM and agent spans carry in their inputs and outputs, so the span view
// can show them as a conversation instead of raw JSON: OpenAI requests (`messages`), chat completions
// (`choices[].message`) and Responses API output (`output[]` messages and function calls), Anthropic
// requests (`messages` with content blocks, top-level `system`) and responses (`content` blocks), a
// single message (an agent's final answer), and LangChain / LangGraph messages (`type` human/ai/…,
// `tool_calls` with `args`, the serialized `lc` form, `generations`). Anything else stays JSON.

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

/** OpenAI's `tool_calls[].function` (and the older single `function_call`), LangChain's `tool_calls[].{name, args}`. */
function toolCalls(value: unknown, functionCall: unknown): ToolCall[] {
  const calls = [...(Array.isArray(value) ? value : []), ...(isObject(functionCall) ? [{ function: functionCall }] : [])];
  return calls.flatMap((call): ToolCall[] => {
    if (!isObject(call)) return [];
    if (isObject(call.function) && typeof call.function.name === 'string') return [{ name: call.function.name, arguments: stringify(call.function.arguments ?? '') }];
    if (typeof call.name === 'string') return [{ name: call.name, arguments: stringify(call.args ?? call.arguments ?? {}) }];
    return [];
  });
}

/** LangChain's message types, as MLflow's LangChain tracer records them, named by chat role. */
const LANGCHAIN_ROLES: Record<string, string> = {
  human: 'user',
  HumanMessage: 'user',
  ai: 'assistant',
  AIMessage: 'assistant',
  AIMessageChunk: 'assistant',
  system: 'system',
  SystemMessage: 'system',
  tool: 'tool',
  ToolMessage: 'tool',
  function: 'tool',
  FunctionMessage: 'tool',
};

/** The message's fields and role: plain, LangChain's `{type, data}` dict, or its serialized `{lc, id: [..., 'AIMessage'], kwargs}`. */
function messageFields(value: Json): { role: string; fields: Json } | null {
  if (typeof value.role === 'string') return { role: value.role, fields: value };
  if (value.lc !== undefined && Array.isArray(value.id) && isObject(value.kwargs)) {
    const role = LANGCHAIN_ROLES[String(value.id[value.id.length - 1])];
    return role === undefined ? null : { role, fields: value.kwargs };
  }
  const role = typeof value.type === 'string' ? LANGCHAIN_ROLES[value.type] : undefined;
  if (role === undefined) return null;
  return { role, fields: isObject(value.data) ? value.data : value };
}

function readMessage(value: unknown): ChatMessage | null {
  if (!isObject(value)) return null;
  const found = messageFields(value);
  if (found === null) return null;
  const { role, fields } = found;
  // A LangChain message always has content; without it this is some other object with a `type` (a tool definition…).
  if (typeof value.role !== 'string' && !('content' in fields)) return null;
  const content = readContent(fields.content);
  if (content === null) return null;
  const additional = isObject(fields.additional_kwargs) ? fields.additional_kwargs : {};
  const calls = toolCalls(fields.tool_calls ?? additional.tool_calls, fields.function_call ?? additional.function_call);
  return { role, text: content.text, toolCalls: [...content.toolCalls, ...calls] };
}

/** OpenAI Responses API `output` items: messages and function calls (reasoning items carry no text to show). */
function responsesOutput(items: unknown[]): ChatMessage[] | null {
  const messages: ChatMessage[] = [];
  for (const item of items) {
    if (!isObject(item)) return null;
    if (item.type === 'function_call' && typeof item.name === 'string') messages.push({ role: 'assistant', text: '', toolCalls: [{ name: item.name, arguments: stringify(item.arguments ?? '') }] });
    else if (item.type === 'reasoning') continue;
    else {
      const message = readMessage(item);
      if (message === null) return null;
      messages.push(message);
    }
  }
  return messages.length > 0 ? messages : null;
}

function everyMessage(values: unknown[]): ChatMessage[] | null {
  const messages = values.map(readMessage);
  return messages.length > 0 && messages.every((m): m is ChatMessage => m !== null) ? messages : null;
}

/** The conversation a span input or output holds, or null when it is not chat. */
export function chatMessages(value: unknown): ChatMessage[] | null {
  if (Array.isArray(value)) return everyMessage(value);
  if (!isObject(value)) return null;
  if (Array.isArray(value.messages)) {
    const messages = everyMessage(value.messages);
    if (messages === null) return null;
    // Anthropic keeps the system prompt beside the messages.
    const system = readContent(value.system);
    if (typeof value.system !== 'undefined' && system !== null && system.text !== '') {
      return [{ role: 'system', text: system.text, toolCalls: [] }, ...messages];
    }
    return messages;
  }
  if (Array.isArray(value.choices)) return everyMessage(value.choices.map((choice) => (isObject(choice) ? choice.message : null)));
  // LangChain's ChatResult / LLMResult: a list of generations per prompt.
  if (Array.isArray(value.generations)) return everyMessage(value.generations.flat().map((g) => (isObject(g) ? g.message : null)));
  if (Array.isArray(value.output)) return responsesOutput(value.output);
  const message = readMessage(value);
  return message === null ? null : [message];
}
