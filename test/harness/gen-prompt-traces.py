"""Writes LLM traces linked to registered prompts, through MLflow's own API (the kit's pylib).

Two registered prompts with two versions each (mlflow.genai.register_prompt), traces that load a
version with mlflow.genai.load_prompt inside the trace (MLflow itself writes the trace's
`mlflow.linkedPrompts` tag), and traces whose system prompt is not registered. Each input is sent
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
    print(json.dumps({"experiment_id": eid, "prompts": PROMPTS, "variables": VARIABLES, "traces": written}))


if __name__ == "__main__":
    main()
