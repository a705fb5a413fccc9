"""Writes LLM traces linked to registered prompts, through MLflow's own API (the kit's pylib).

Two registered prompts with two versions each (mlflow.genai.register_prompt), traces that load a
version with mlflow.genai.load_prompt inside the trace (MLflow itself writes the trace's
`mlflow.linkedPrompts` tag), traces whose system prompt is not registered, and traces of a LangChain prompt template as MLflow's
LangChain autologging records them (the template text is not registered anywhere). Each input is sent
through every version of its prompt, so outputs can be compared side by side. Prints one JSON line:
what was written, per trace, for the tests to compute the expected grouping from.

Run with the kit's environment (env.sh: PYTHONPATH=pylib, Azurite connection string):
  /usr/bin/python3 gen-prompt-traces.py --tracking-uri sqlite:////tmp/x/mlflow.db \
      --artifact-location wasbs://mlflow@devstoreaccount1.blob.core.windows.net/prompts [--seed 7]
"""
import argparse
import json
import random

import mlflow
from mlflow.entities import SpanType

PROMPTS = {
    "support-answer": [
        "You are a support agent for {{product}}. Answer briefly and politely.",
        "You are a senior support agent for {{product}}. Answer in at most three sentences, cite the docs.",
    ],
    "ticket-triage": [
        "Classify the ticket for {{team}} as bug, question or request.",
        "Classify the ticket for {{team}} as bug, question, request or spam. Reply with one word.",
    ],
}
VARIABLES = {"support-answer": {"product": "Stratus"}, "ticket-triage": {"team": "platform"}}
# Unregistered system prompts; the second is written with varying whitespace, which must not split it.
UNREGISTERED = [
    "You are a SQL assistant. Write one query for the question.",
    "Summarize the conversation  in two\nsentences.",
]
# Unregistered LangChain ChatPromptTemplates (system, human), each formatted with several variable sets.
LANGCHAIN_TEMPLATES = [
    ("You are a {role} assistant. Answer in {language}.", "{question}"),
    ("Summarize the ticket for the {team} team.", "Ticket: {ticket}"),
]
LANGCHAIN_VARIABLES = [
    [{"role": "legal", "language": "German"}, {"role": "travel", "language": "French"}, {"role": "legal", "language": "French"}],
    [{"team": "platform"}, {"team": "billing"}],
]
QUESTIONS = ["How do I reset my password?", "Why is the upload slow?", "Can I export runs to CSV?",
             "The app crashes on start", "Where are my traces?"]
MODELS = [("gpt-4o-mini", "openai"), ("claude-3-5-haiku-20241022", "anthropic")]


def llm_call(rng, system, question, model, fmt, fail):
    messages = [{"role": "system", "content": system}, {"role": "user", "content": question}]
    with mlflow.start_span(name="Completions" if fmt == "openai" else "Messages.create", span_type=SpanType.CHAT_MODEL) as span:
        span.set_inputs({"messages": messages, "model": model})
        span.set_attribute("model", model)
        if fail:
            raise RuntimeError("upstream timeout")
        inp, out = rng.randint(50, 900), rng.randint(10, 300)
        answer = f"Answer {rng.getrandbits(24):06x} to: {question}"
        span.set_attribute("mlflow.chat.tokenUsage", {"input_tokens": inp, "output_tokens": out, "total_tokens": inp + out})
        if fmt == "openai":
            span.set_outputs({"model": model, "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}}],
                              "usage": {"prompt_tokens": inp, "completion_tokens": out, "total_tokens": inp + out}})
        else:
            span.set_outputs({"model": model, "role": "assistant", "content": [{"type": "text", "text": answer}],
                              "usage": {"input_tokens": inp, "output_tokens": out}})
        return answer


def one_trace(rng, name, version, system, question, fail):
    model, fmt = rng.choice(MODELS)
    answer = None
    try:
        with mlflow.start_span(name="answer", span_type=SpanType.CHAIN) as root:
            root.set_inputs({"question": question})
            if name is not None:
                prompt = mlflow.genai.load_prompt(f"prompts:/{name}/{version}")
                system = prompt.format(**VARIABLES[name])
            answer = llm_call(rng, system, question, model, fmt, fail)
            root.set_outputs({"answer": answer})
    except RuntimeError:
        pass
    return {"trace_id": mlflow.get_last_active_trace_id(), "prompt": None if name is None else {"name": name, "version": str(version)},
            "system": system, "input": question, "output": answer, "error": fail, "model": model}


def lc_message(kind, content):
    # A LangChain BaseMessage as MLflow's TraceJSONEncoder stores it (pydantic model_dump).
    return {"content": content, "additional_kwargs": {}, "response_metadata": {}, "type": kind, "name": None, "id": None}


def langchain_trace(rng, system_t, human_t, variables):
    """A `ChatPromptTemplate | ChatOpenAI` invocation, recorded as mlflow/langchain/langchain_tracer.py
    does: on_chain_start/on_chain_end for the sequence and the template (CHAIN spans, inputs = the
    variables, outputs = the ChatPromptValue), on_chat_model_start/on_llm_end for the model."""
    from mlflow.tracing.fluent import start_span_no_context

    model = "gpt-4o-mini"
    root = start_span_no_context(name="RunnableSequence", span_type=SpanType.CHAIN, inputs=variables)
    prompt = start_span_no_context(name="ChatPromptTemplate", span_type=SpanType.CHAIN, parent_span=root, inputs=variables)
    messages = [lc_message("system", system_t.format(**variables)), lc_message("human", human_t.format(**variables))]
    prompt.end(outputs={"messages": messages, "type": "ChatPromptValue"})
    chat = start_span_no_context(
        name="ChatOpenAI", span_type=SpanType.CHAT_MODEL, parent_span=root, inputs=[messages],
        attributes={"invocation_params": {"model": model, "model_name": model, "_type": "openai-chat"}, "options": {"stop": None},
                    "batch_size": 1, "metadata": {"ls_provider": "openai", "ls_model_name": model}, "mlflow.message.format": "langchain"})
    inp, out = rng.randint(50, 900), rng.randint(10, 300)
    answer = f"Answer {rng.getrandbits(24):06x}"
    chat.set_attribute("mlflow.chat.tokenUsage", {"input_tokens": inp, "output_tokens": out, "total_tokens": inp + out})
    ai = {**lc_message("ai", answer), "response_metadata": {"model_name": model}}
    chat.end(outputs={"generations": [[{"text": answer, "generation_info": None, "type": "ChatGeneration", "message": ai}]],
                      "llm_output": {"token_usage": {"prompt_tokens": inp, "completion_tokens": out, "total_tokens": inp + out}, "model_name": model},
                      "run": None, "type": "LLMResult"})
    root.end(outputs=ai)
    return {"trace_id": root.trace_id, "prompt": None, "template": f"system: {system_t}\n\nhuman: {human_t}",
            "system": messages[0]["content"], "input": messages[1]["content"], "output": answer, "error": False, "model": model}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracking-uri", required=True)
    ap.add_argument("--artifact-location", required=True)
    ap.add_argument("--experiment", default="prompt-traces")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    mlflow.set_tracking_uri(a.tracking_uri)
    exp = mlflow.get_experiment_by_name(a.experiment)
    eid = exp.experiment_id if exp else mlflow.create_experiment(a.experiment, artifact_location=a.artifact_location)
    mlflow.set_experiment(experiment_id=eid)
    for name, templates in PROMPTS.items():
        for k, template in enumerate(templates):
            mlflow.genai.register_prompt(name=name, template=template, commit_message=f"v{k + 1}")
    written = []
    for name, templates in PROMPTS.items():
        for q in rng.sample(QUESTIONS, 3):
            for version in range(1, len(templates) + 1):
                written.append(one_trace(rng, name, version, None, q, rng.random() < 0.15))
    for system in UNREGISTERED:
        for q in rng.sample(QUESTIONS, 2):
            spaced = system.replace(" ", "  ", 1) if rng.random() < 0.5 else system
            written.append(one_trace(rng, None, None, spaced, q, False))
    for (system_t, human_t), sets in zip(LANGCHAIN_TEMPLATES, LANGCHAIN_VARIABLES):
        for variables in sets:
            q = rng.choice(QUESTIONS)
            asked = human_t[human_t.index("{") + 1:human_t.index("}")]
            written.append(langchain_trace(rng, system_t, human_t, {**variables, asked: q}))
    print(json.dumps({"experiment_id": eid, "prompts": PROMPTS, "variables": VARIABLES, "traces": written}))


if __name__ == "__main__":
    main()
