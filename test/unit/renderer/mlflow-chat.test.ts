import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { chatMessages } from '../../../renderer/src/mlflow/traces/chat.js';
import { MLFLOW_FIXTURE as mlflowFixtureDir } from '../../harness/mlflow-fixture.js';

// Span inputs/outputs shown as chat: the shapes the OpenAI and Anthropic autologgers record, read
// from the shared fixture's CHAT_MODEL spans, and values that are not chat.

interface FixtureSpan {
  format: string;
  inputs: unknown;
  outputs: unknown;
}

function chatSpans(): FixtureSpan[] {
  const db = new Database(path.join(mlflowFixtureDir, 'mlflow.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT content FROM spans WHERE type IN ('CHAT_MODEL', 'LLM')").all() as { content: string }[];
    return rows.map(({ content }) => {
      const attributes = (JSON.parse(content) as { attributes: Record<string, string> }).attributes;
      const decode = (key: string): unknown => (attributes[key] === undefined ? null : JSON.parse(attributes[key]));
      return { format: String(decode('mlflow.message.format')), inputs: decode('mlflow.spanInputs'), outputs: decode('mlflow.spanOutputs') };
    });
  } finally {
    db.close();
  }
}

describe('chatMessages on the fixture', () => {
  const spans = chatSpans();

  it('reads every chat span of both formats', () => {
    expect(new Set(spans.map((s) => s.format))).toEqual(new Set(['openai', 'anthropic']));
  });

  it('turns each request into its messages, user text included', () => {
    for (const span of spans) {
      const messages = chatMessages(span.inputs);
      const request = span.inputs as { messages: { role: string; content: unknown }[] };
      expect(messages?.map((m) => m.role)).toEqual(request.messages.map((m) => m.role));
      const user = request.messages.find((m) => m.role === 'user');
      if (typeof user?.content === 'string') expect(messages?.find((m) => m.role === 'user')?.text).toBe(user.content);
    }
  });

  it('turns each response into assistant messages with their text or tool calls', () => {
    for (const span of spans) {
      const messages = chatMessages(span.outputs);
      expect(messages).not.toBeNull();
      for (const m of messages ?? []) {
        expect(m.role).toBe('assistant');
        expect(m.text !== '' || m.toolCalls.length > 0).toBe(true);
      }
    }
  });
});

describe('chatMessages', () => {
  it('reads Anthropic content blocks and a top-level system prompt', () => {
    const messages = chatMessages({
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(messages).toEqual([
      { role: 'system', text: 'Be brief.', toolCalls: [] },
      { role: 'user', text: 'Hi', toolCalls: [] },
    ]);
  });

  it('reads an Anthropic tool_use block and an OpenAI tool call', () => {
    expect(chatMessages({ role: 'assistant', content: [{ type: 'tool_use', name: 'lookup', input: { q: 'x' } }] })?.[0].toolCalls).toEqual([
      { name: 'lookup', arguments: JSON.stringify({ q: 'x' }, null, 2) },
    ]);
    const openai = chatMessages({ choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }] } }] });
    expect(openai).toEqual([{ role: 'assistant', text: '', toolCalls: [{ name: 'get_weather', arguments: '{"city": "Paris"}' }] }]);
  });

  it('leaves values that are not chat to the JSON view', () => {
    expect(chatMessages({ query: 'regions', k: 3 })).toBeNull();
    expect(chatMessages([{ page_content: 'doc', metadata: {} }])).toBeNull();
    expect(chatMessages({ messages: [{ role: 'user', content: { unexpected: true } }] })).toBeNull();
    expect(chatMessages('plain text')).toBeNull();
    expect(chatMessages(null)).toBeNull();
  });
});

describe('chatMessages on agent outputs', () => {
  it('reads a single message with string content, as agents and chains answer', () => {
    expect(chatMessages({ role: 'assistant', content: 'Guten Morgen.' })).toEqual([{ role: 'assistant', text: 'Guten Morgen.', toolCalls: [] }]);
  });

  it('reads an OpenAI assistant message calling tools, on its own', () => {
    expect(chatMessages({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] })).toEqual([
      { role: 'assistant', text: '', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] },
    ]);
  });

  it('reads LangChain / LangGraph messages: type names, tool calls with args, the serialized form, generations', () => {
    const graph = chatMessages({
      messages: [
        { type: 'human', content: 'Weather in Paris?' },
        { type: 'ai', content: '', tool_calls: [{ name: 'get_weather', args: { city: 'Paris' }, id: 't1' }] },
        { type: 'tool', content: '18C, cloudy', tool_call_id: 't1' },
        { type: 'ai', content: 'It is 18C and cloudy.' },
      ],
    });
    expect(graph?.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(graph?.[1].toolCalls).toEqual([{ name: 'get_weather', arguments: JSON.stringify({ city: 'Paris' }, null, 2) }]);
    expect(graph?.[3].text).toBe('It is 18C and cloudy.');
    const serialized = chatMessages([{ lc: 1, type: 'constructor', id: ['langchain', 'schema', 'messages', 'AIMessage'], kwargs: { content: 'Done.' } }]);
    expect(serialized).toEqual([{ role: 'assistant', text: 'Done.', toolCalls: [] }]);
    const generations = chatMessages({ generations: [[{ text: 'Hi', message: { type: 'ai', data: { content: 'Hi' } } }]] });
    expect(generations).toEqual([{ role: 'assistant', text: 'Hi', toolCalls: [] }]);
  });

  it('reads OpenAI Responses API output: messages and function calls', () => {
    const messages = chatMessages({
      id: 'resp_1',
      output: [
        { type: 'reasoning', summary: [] },
        { type: 'function_call', name: 'lookup', arguments: '{"q":"x"}', call_id: 'c1' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Found it.' }] },
      ],
    });
    expect(messages).toEqual([
      { role: 'assistant', text: '', toolCalls: [{ name: 'lookup', arguments: '{"q":"x"}' }] },
      { role: 'assistant', text: 'Found it.', toolCalls: [] },
    ]);
  });

  it('reads the fixture’s AGENT and CHAIN outputs as chat', () => {
    const db = new Database(path.join(mlflowFixtureDir, 'mlflow.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare("SELECT content FROM spans WHERE type IN ('AGENT', 'CHAIN')").all() as { content: string }[];
      const outputs = rows
        .map(({ content }) => (JSON.parse(content) as { attributes: Record<string, string> }).attributes['mlflow.spanOutputs'])
        .filter((o): o is string => o !== undefined)
        .map((o) => JSON.parse(o) as unknown)
        .filter((o): o is { role: string; content: string } => typeof o === 'object' && o !== null && 'role' in o);
      expect(outputs.length).toBeGreaterThan(0);
      for (const output of outputs) expect(chatMessages(output)).toEqual([{ role: output.role, text: output.content, toolCalls: [] }]);
    } finally {
      db.close();
    }
  });

  it('still leaves objects that only look like messages to the JSON view', () => {
    expect(chatMessages({ type: 'function', function: { name: 'get_weather', parameters: {} } })).toBeNull();
    expect(chatMessages({ temp_c: 18, conditions: 'cloudy' })).toBeNull();
    expect(chatMessages({ output: [{ type: 'web_search_call', id: 'w1' }] })).toBeNull();
  });
});
