// How the Prompts view names a prompt, shared by its IPC schema and the route that addresses it:
// `p:<registered name>` (MLflow's rule for prompt names: letters, digits, hyphens, underscores,
// dots), `t:<16 hex digits>` (the fingerprint of a template the spans carry) or `s:<16 hex digits>`
// (the fingerprint of an unregistered system prompt).

export const PROMPT_NAME = /^[A-Za-z0-9._-]{1,256}$/;
export const PROMPT_KEY = /^(p:[A-Za-z0-9._-]{1,256}|[st]:[0-9a-f]{16})$/;
/** A registry version (MLflow numbers them). */
export const PROMPT_VERSION = /^[A-Za-z0-9._-]{1,64}$/;
