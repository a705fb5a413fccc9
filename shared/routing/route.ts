import { PROMPT_KEY, PROMPT_VERSION } from '../prompt-key.js';
import { hasControlCharacters } from '../sysroot.js';

// Every view's address, as pure functions both processes share: the renderer keeps it in the URL's
// hash (`#/w/<id>/metaflow/<flow>/…`), the desktop shell turns a `stratus://` link into one. An
// address comes from a link someone pasted, so each part of it is checked here as hostile input:
// anything that does not parse to a known view is a `notFound` route, never a half-read one.

export type ExperimentTab = 'runs' | 'traces' | 'tokens' | 'prompts';
export const EXPERIMENT_TABS: readonly ExperimentTab[] = ['runs', 'traces', 'tokens', 'prompts'];
export type TaskTab = 'artifacts' | 'logs' | 'cards';
const TASK_TABS: readonly TaskTab[] = ['artifacts', 'logs', 'cards'];

/** Where the Metaflow section is: each level set only if the one above it is; the task's pane below it. */
export interface MetaflowPlace {
  flow?: string;
  run?: string;
  step?: string;
  task?: string;
  /** The task's attempt, when one other than the latest was picked. */
  attempt?: number;
  tab?: TaskTab;
  /** The artifact whose preview is open. */
  artifact?: string;
}

export type MlflowPlace =
  | { kind: 'experiments' }
  | { kind: 'experiment'; experimentId: string; tab: ExperimentTab }
  | { kind: 'run'; experimentId: string; runId: string }
  | { kind: 'compare'; experimentId: string; runIds: string[] }
  | { kind: 'trace'; experimentId: string; traceId: string; from: ExperimentTab; /** The span picked in it. */ spanId?: string }
  /** One prompt of the Prompts tab (shared/prompt-key.ts), and the version whose traces are listed. */
  | { kind: 'prompt'; experimentId: string; promptKey: string; version?: string };

/** A container and a prefix in it ('' or ending in '/'); no container: the workspace's own. */
export interface BlobsPlace {
  container?: string;
  prefix: string;
}

/** Where the usage view is drilled to: a flow, then one of its runs. */
export interface UsagePlace {
  flow?: string;
  run?: string;
}

export type SectionId = 'metaflow' | 'mlflow' | 'blobs' | 'gc' | 'usage';
export const SECTION_IDS: readonly SectionId[] = ['metaflow', 'mlflow', 'blobs', 'gc', 'usage'];

export type SectionPlace =
  | { section: 'metaflow'; place: MetaflowPlace }
  | { section: 'mlflow'; place: MlflowPlace }
  | { section: 'blobs'; place: BlobsPlace }
  | { section: 'gc' }
  | { section: 'usage'; place: UsagePlace };

export type Route =
  | { name: 'workspaces' }
  | { name: 'new' }
  | { name: 'edit'; id: string }
  | { name: 'workspace'; workspaceId: string; at: SectionPlace }
  | { name: 'notFound'; path: string };

export const WORKSPACES: Route = { name: 'workspaces' };
export const EXPERIMENTS: MlflowPlace = { kind: 'experiments' };

/** The place a section opens at when it has none to return to. */
export function sectionRoot(section: SectionId): SectionPlace {
  switch (section) {
    case 'metaflow':
      return { section, place: {} };
    case 'mlflow':
      return { section, place: EXPERIMENTS };
    case 'blobs':
      return { section, place: { prefix: '' } };
    case 'gc':
      return { section };
    case 'usage':
      return { section, place: {} };
  }
}

/** Longest address accepted (a blob prefix may be 1,024 characters, escaped up to three times longer). */
export const MAX_ROUTE_LENGTH = 8192;
const MAX_SEGMENT = 256;
const MAX_COMPARED_RUNS = 100;
const WORKSPACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Azure's rule for container names ($root and $logs included). */
const CONTAINER = /^(\$root|\$logs|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9])$/;

/** A name as one path segment: '.' and '..' escaped too, so no URL parser folds them away. */
function encodeSegment(name: string): string {
  if (name === '.') return '%2E';
  if (name === '..') return '%2E%2E';
  return encodeURIComponent(name);
}

/** An opaque name (a run id, a task id, an experiment id): not empty, one segment, no control characters. */
function isName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_SEGMENT && !name.includes('/') && !name.includes('\\') && name !== '.' && name !== '..' && !hasControlCharacters(name);
}

/** Flow and step names are Python identifiers in Metaflow. */
function isIdentifier(name: string): boolean {
  return name.length <= MAX_SEGMENT && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

function isPrefix(prefix: string): boolean {
  return prefix.length <= 1024 && (prefix === '' || prefix.endsWith('/')) && !hasControlCharacters(prefix);
}

class NotARoute extends Error {}

function fail(): never {
  throw new NotARoute();
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return fail();
  }
}

function checked(value: string, ok: (v: string) => boolean): string {
  return ok(value) ? value : fail();
}

function query(params: Record<string, string | number | string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value) search.append(key, v);
    else if (value !== undefined) search.append(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function formatMetaflow(place: MetaflowPlace): string {
  const path = [place.flow, place.run, place.step, place.task];
  const end = path.indexOf(undefined);
  const segments = (end === -1 ? path : path.slice(0, end)) as string[];
  const atTask = segments.length === 4;
  const tab = atTask && place.tab !== undefined && place.tab !== 'artifacts' ? place.tab : undefined;
  return (
    segments.map((s) => `/${encodeSegment(s)}`).join('') +
    (atTask ? query({ attempt: place.attempt, tab, artifact: tab === undefined ? place.artifact : undefined }) : '')
  );
}

function formatMlflow(place: MlflowPlace): string {
  if (place.kind === 'experiments') return '';
  const experiment = `/${encodeSegment(place.experimentId)}`;
  switch (place.kind) {
    case 'experiment':
      return `${experiment}/${place.tab}`;
    case 'run':
      return `${experiment}/runs/${encodeSegment(place.runId)}`;
    case 'compare':
      return `${experiment}/compare${query({ run: place.runIds })}`;
    case 'trace':
      return `${experiment}/traces/${encodeSegment(place.traceId)}${query({ from: place.from === 'traces' ? undefined : place.from, span: place.spanId })}`;
    case 'prompt':
      return `${experiment}/prompts/${encodeSegment(place.promptKey)}${query({ version: place.version })}`;
  }
}

function formatSection(at: SectionPlace): string {
  switch (at.section) {
    case 'metaflow':
      return `/metaflow${formatMetaflow(at.place)}`;
    case 'mlflow':
      return `/mlflow${formatMlflow(at.place)}`;
    case 'blobs':
      if (at.place.container === undefined) return '/blobs';
      // Each level of the prefix its own segment, so the address reads like the path it is.
      return `/blobs/${encodeSegment(at.place.container)}/${at.place.prefix.split('/').map(encodeSegment).join('/')}`;
    case 'gc':
      return '/gc';
    case 'usage':
      return `/usage${[at.place.flow, at.place.flow === undefined ? undefined : at.place.run]
        .filter((s): s is string => s !== undefined)
        .map((s) => `/${encodeSegment(s)}`)
        .join('')}`;
  }
}

/** The address of a route: a path and query starting with '/' (the part after '#' or after `stratus:/`). */
export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'workspaces':
      return '/';
    case 'new':
      return '/new';
    case 'edit':
      return `/edit/${encodeSegment(route.id)}`;
    case 'workspace':
      return `/w/${encodeSegment(route.workspaceId)}${formatSection(route.at)}`;
    case 'notFound':
      return route.path;
  }
}

function parseMetaflow(segments: string[], params: URLSearchParams): MetaflowPlace {
  if (segments.length > 4) fail();
  const [flow, run, step, task] = segments.map(decodeSegment);
  const place: MetaflowPlace = {};
  if (flow !== undefined) place.flow = checked(flow, isIdentifier);
  if (run !== undefined) place.run = checked(run, isName);
  if (step !== undefined) place.step = checked(step, isIdentifier);
  if (task !== undefined) place.task = checked(task, isName);
  const attempt = params.get('attempt');
  const tab = params.get('tab');
  const artifact = params.get('artifact');
  if (task === undefined) {
    if (attempt !== null || tab !== null || artifact !== null) fail();
    return place;
  }
  if (attempt !== null) {
    if (!/^\d{1,3}$/.test(attempt)) fail();
    place.attempt = Number(attempt);
  }
  if (tab !== null) place.tab = TASK_TABS.includes(tab as TaskTab) && tab !== 'artifacts' ? (tab as TaskTab) : fail();
  if (artifact !== null) {
    if (place.tab !== undefined) fail();
    place.artifact = checked(artifact, isName);
  }
  return place;
}

function experimentTab(value: string | null, fallback: ExperimentTab): ExperimentTab {
  if (value === null) return fallback;
  return EXPERIMENT_TABS.includes(value as ExperimentTab) ? (value as ExperimentTab) : fail();
}

function parseMlflow(segments: string[], params: URLSearchParams): MlflowPlace {
  if (segments.length === 0) return EXPERIMENTS;
  const [experiment, view, id, ...rest] = segments.map(decodeSegment);
  const experimentId = checked(experiment, isName);
  if (rest.length > 0) fail();
  const onlyParams = (...allowed: string[]) => [...params.keys()].every((k) => allowed.includes(k)) || fail();
  if (view === undefined) return onlyParams() && { kind: 'experiment', experimentId, tab: 'runs' };
  if (view === 'compare' && id === undefined) {
    onlyParams('run');
    const runIds = params.getAll('run').map((r) => checked(r, isName));
    if (runIds.length < 1 || runIds.length > MAX_COMPARED_RUNS) fail();
    return { kind: 'compare', experimentId, runIds };
  }
  if (id === undefined) return onlyParams() && { kind: 'experiment', experimentId, tab: experimentTab(view, 'runs') };
  if (view === 'runs') return onlyParams() && { kind: 'run', experimentId, runId: checked(id, isName) };
  if (view === 'traces') {
    onlyParams('from', 'span');
    const from = experimentTab(params.get('from'), 'traces');
    const span = params.get('span');
    const trace: MlflowPlace = { kind: 'trace', experimentId, traceId: checked(id, isName), from };
    return span === null ? trace : { ...trace, spanId: checked(span, isName) };
  }
  if (view === 'prompts') {
    onlyParams('version');
    const version = params.get('version');
    const prompt: MlflowPlace = { kind: 'prompt', experimentId, promptKey: checked(id, (k) => PROMPT_KEY.test(k)) };
    return version === null ? prompt : { ...prompt, version: checked(version, (v) => PROMPT_VERSION.test(v)) };
  }
  return fail();
}

function parseBlobs(segments: string[], params: URLSearchParams): BlobsPlace {
  if ([...params.keys()].length > 0) fail();
  if (segments.length === 0 || (segments.length === 1 && segments[0] === '')) return { prefix: '' };
  const [container, ...levels] = segments;
  return { container: checked(decodeSegment(container), (c) => CONTAINER.test(c)), prefix: checked(levels.map(decodeSegment).join('/'), isPrefix) };
}

function parseUsage(segments: string[], params: URLSearchParams): UsagePlace {
  if (segments.length > 2 || [...params.keys()].length > 0) fail();
  const [flow, run] = segments.map(decodeSegment);
  const place: UsagePlace = {};
  if (flow !== undefined) place.flow = checked(flow, isIdentifier);
  if (run !== undefined) place.run = checked(run, isName);
  return place;
}

function parseSection(segments: string[], params: URLSearchParams): SectionPlace {
  const [section, ...rest] = segments;
  switch (section) {
    case undefined:
      if ([...params.keys()].length > 0) fail();
      return sectionRoot('metaflow');
    case 'metaflow':
      return { section, place: parseMetaflow(rest, params) };
    case 'mlflow':
      return { section, place: parseMlflow(rest, params) };
    case 'blobs':
      return { section, place: parseBlobs(rest, params) };
    case 'gc':
      return rest.length === 0 && [...params.keys()].length === 0 ? { section } : fail();
    case 'usage':
      return { section, place: parseUsage(rest, params) };
    default:
      return fail();
  }
}

/** The route an address names (what `formatRoute` wrote, or what a user typed or pasted). */
export function parseRoute(address: string): Route {
  const notFound: Route = { name: 'notFound', path: address.slice(0, 200) };
  if (address.length > MAX_ROUTE_LENGTH || !address.startsWith('/') || hasControlCharacters(address)) return notFound;
  const queryAt = address.indexOf('?');
  const path = queryAt === -1 ? address : address.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : address.slice(queryAt + 1));
  const segments = path.slice(1).split('/');
  // A trailing '/' is meaningful only inside a blob prefix; elsewhere '/w/x/metaflow/' reads as '/w/x/metaflow'.
  const trimmed = segments[0] === 'w' && segments[2] === 'blobs' ? segments : segments.filter((s, i) => s !== '' || i < segments.length - 1);
  const noParams = () => [...params.keys()].length === 0 || fail();
  try {
    const [head, ...rest] = trimmed;
    if ((head === undefined || head === '') && rest.length === 0) return noParams() && WORKSPACES;
    if (head === 'new' && rest.length === 0) return noParams() && { name: 'new' };
    if (head === 'edit' && rest.length === 1) return noParams() && { name: 'edit', id: checked(decodeSegment(rest[0]), (id) => WORKSPACE_ID.test(id)) };
    if (head === 'w' && rest.length >= 1) {
      const workspaceId = checked(decodeSegment(rest[0]), (id) => WORKSPACE_ID.test(id));
      return { name: 'workspace', workspaceId, at: parseSection(rest.slice(1), params) };
    }
    return notFound;
  } catch (error) {
    if (error instanceof NotARoute) return notFound;
    throw error;
  }
}
