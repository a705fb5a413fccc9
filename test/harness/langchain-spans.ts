// Spans of a `ChatPromptTemplate | ChatOpenAI` chain as MLflow's LangChain autologging writes them
// (MLflow 3.5.2.dev0, the kit's pylib): mlflow/langchain/langchain_tracer.py opens one span per
// LangChain run: on_chain_start for the sequence and for the prompt template (span type CHAIN, name
// from run_name / serialized name, inputs = the run's input dict, attributes = its kwargs: metadata
// only when non-empty), on_chat_model_start for the model (CHAT_MODEL, inputs = the messages as
// list[list[BaseMessage]], attributes = invocation_params, options, batch_size, metadata and
// mlflow.message.format "langchain"), on_llm_end adds mlflow.chat.tokenUsage (utils/chat.py
// parse_token_usage) and ends with the LLMResult. Values go through mlflow/entities/span.py
// (_SpanAttributesRegistry: each attribute JSON-encoded) and TraceJSONEncoder (pydantic model_dump:
// ChatPromptValue {"messages", "type"}, BaseMessage {"content", "additional_kwargs",
// "response_metadata", "type", "name", "id"}). A span's JSON is what MLflow stores in spans.content.

export interface ChatTemplate {
  system: string;
  human: string;
}

export interface LangChainTrace {
  traceId: string;
  /** The span JSON list, root first. */
  spans: Record<string, unknown>[];
  startNs: bigint;
  endNs: bigint;
  input: number;
  output: number;
}

const fill = (text: string, vars: Record<string, string>): string => text.replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? `{${name}}`);

const message = (type: string, content: string) => ({ content, additional_kwargs: {}, response_metadata: {}, type, name: null, id: null });

const encode = (attributes: Record<string, unknown>): Record<string, string> => Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, JSON.stringify(v)]));

function spanJson(traceId: string, spanId: string, parent: string | null, name: string, startNs: bigint, endNs: bigint, attributes: Record<string, unknown>) {
  return {
    trace_id: Buffer.from(traceId.slice(3, 19), 'hex').toString('base64'),
    span_id: Buffer.from(spanId, 'hex').toString('base64'),
    parent_span_id: parent === null ? null : Buffer.from(parent, 'hex').toString('base64'),
    name,
    start_time_unix_nano: Number(startNs),
    end_time_unix_nano: Number(endNs),
    events: [],
    status: { code: 'STATUS_CODE_OK', message: '' },
    attributes: { 'mlflow.spanStartTimeNs': JSON.stringify(String(startNs)), 'mlflow.traceRequestId': JSON.stringify(traceId), ...encode(attributes) },
  };
}

/** One `prompt | llm` invocation: the sequence, the template's run and the chat model's run. */
export function langChainTrace(n: number, template: ChatTemplate, vars: Record<string, string>, startNs: bigint, model = 'gpt-4o-mini'): LangChainTrace {
  const traceId = `tr-${n.toString(16).padStart(32, '0')}`;
  const ids = [1, 2, 3].map((k) => (n * 4 + k).toString(16).padStart(16, '0'));
  const messages = [message('system', fill(template.system, vars)), message('human', fill(template.human, vars))];
  const input = 100 + n;
  const output = 20 + (n % 7);
  const answer = `answer ${n}`;
  const ai = { ...message('ai', answer), response_metadata: { model_name: model, finish_reason: 'stop' }, id: `run-${n}`, tool_calls: [], invalid_tool_calls: [], usage_metadata: null };
  const ms = 1_000_000n;
  const root = spanJson(traceId, ids[0], null, 'RunnableSequence', startNs, startNs + 900n * ms, {
    'mlflow.spanType': 'CHAIN',
    'mlflow.spanInputs': vars,
    'mlflow.spanOutputs': ai,
  });
  const prompt = spanJson(traceId, ids[1], ids[0], 'ChatPromptTemplate', startNs + ms, startNs + 2n * ms, {
    'mlflow.spanType': 'CHAIN',
    'mlflow.spanInputs': vars,
    'mlflow.spanOutputs': { messages, type: 'ChatPromptValue' },
  });
  const chat = spanJson(traceId, ids[2], ids[0], 'ChatOpenAI', startNs + 3n * ms, startNs + 890n * ms, {
    'mlflow.spanType': 'CHAT_MODEL',
    'mlflow.spanInputs': [messages],
    invocation_params: { model, model_name: model, stream: false, n: 1, temperature: 0.0, _type: 'openai-chat', stop: null },
    options: { stop: null },
    batch_size: 1,
    metadata: { ls_provider: 'openai', ls_model_name: model, ls_model_type: 'chat', ls_temperature: 0.0 },
    'mlflow.message.format': 'langchain',
    'mlflow.chat.tokenUsage': { input_tokens: input, output_tokens: output, total_tokens: input + output },
    'mlflow.spanOutputs': {
      generations: [[{ text: answer, generation_info: { finish_reason: 'stop', logprobs: null }, type: 'ChatGeneration', message: ai }]],
      llm_output: { token_usage: { completion_tokens: output, prompt_tokens: input, total_tokens: input + output }, model_name: model, system_fingerprint: null },
      run: null,
      type: 'LLMResult',
    },
  });
  return { traceId, spans: [root, prompt, chat], startNs, endNs: startNs + 900n * ms, input, output };
}
