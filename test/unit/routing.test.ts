import { describe, expect, it } from 'vitest';
import { formatLink, linkInArguments, parseLink } from '../../shared/routing/link.js';
import { formatRoute, parseRoute, type Route } from '../../shared/routing/route.js';

const WS = '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b';

const routes: Route[] = [
  { name: 'workspaces' },
  { name: 'new' },
  { name: 'edit', id: WS },
  { name: 'workspace', workspaceId: WS, at: { section: 'metaflow', place: {} } },
  { name: 'workspace', workspaceId: WS, at: { section: 'metaflow', place: { flow: 'TrainFlow' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'metaflow', place: { flow: 'TrainFlow', run: 'argo-x.y-1712' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'metaflow', place: { flow: 'F', run: '12', step: 'start' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'metaflow', place: { flow: 'F', run: '12', step: 'start', task: '3' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'metaflow', place: { flow: 'F', run: '12', step: 'start', task: '3', artifact: 'my model' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'metaflow', place: { flow: 'F', run: 'a?b#c&d=e%f', step: 'train', task: '7', attempt: 2, tab: 'logs' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'metaflow', place: { flow: 'F', run: '1', step: 's', task: '2', tab: 'cards' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'experiments' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'experiment', experimentId: '0', tab: 'runs' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'experiment', experimentId: '12', tab: 'tokens' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'run', experimentId: '1', runId: 'a1b2c3' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'compare', experimentId: '1', runIds: ['a', 'b c', 'd&e'] } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'trace', experimentId: '1', traceId: 'tr-0f9e', from: 'traces' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'trace', experimentId: '1', traceId: 'tr-0f9e', from: 'tokens' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'blobs', place: { prefix: '' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'blobs', place: { container: 'data', prefix: '' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'blobs', place: { container: 'data', prefix: 'a/b c/' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'blobs', place: { container: 'data', prefix: 'a//../?x#/%/' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'gc' } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'trace', experimentId: '1', traceId: 'tr-0f9e', from: 'traces', spanId: 'a1 b2&c' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'trace', experimentId: '1', traceId: 'tr-0f9e', from: 'runs' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'experiment', experimentId: '3', tab: 'prompts' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'prompt', experimentId: '3', promptKey: 'p:support.answer-v_2' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'prompt', experimentId: '3', promptKey: 's:0123456789abcdef', version: '12' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'trace', experimentId: '3', traceId: 'tr-1', from: 'prompts' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'usage', place: {} } },
  { name: 'workspace', workspaceId: WS, at: { section: 'usage', place: { flow: 'TrainFlow' } } },
  { name: 'workspace', workspaceId: WS, at: { section: 'usage', place: { flow: 'TrainFlow', run: 'argo-x.y 1712' } } },
];

describe('routes', () => {
  it.each(routes.map((r) => [formatRoute(r), r] as const))('%s reads back as the route it was written from', (address, route) => {
    expect(parseRoute(address)).toEqual(route);
  });

  it('writes readable addresses', () => {
    expect(formatRoute(routes[8])).toBe(`/w/${WS}/metaflow/F/12/start/3?artifact=my+model`);
    expect(formatRoute(routes[20])).toBe(`/w/${WS}/blobs/data/a/b%20c/`);
    expect(formatRoute(routes[16])).toBe(`/w/${WS}/mlflow/1/traces/tr-0f9e`);
    expect(formatRoute(routes[27])).toBe(`/w/${WS}/mlflow/3/prompts/s%3A0123456789abcdef?version=12`);
    expect(formatRoute(routes[routes.length - 1])).toBe(`/w/${WS}/usage/TrainFlow/argo-x.y%201712`);
    expect(parseRoute(`/w/${WS}/usage/TrainFlow/`)).toEqual(routes[routes.length - 2]);
  });

  it('reads the short forms a person would type', () => {
    expect(parseRoute('')).toMatchObject({ name: 'notFound' });
    expect(parseRoute(`/w/${WS}`)).toEqual(routes[3]);
    expect(parseRoute(`/w/${WS}/metaflow/TrainFlow/`)).toEqual(routes[4]);
    expect(parseRoute(`/w/${WS}/mlflow/12`)).toEqual({ name: 'workspace', workspaceId: WS, at: { section: 'mlflow', place: { kind: 'experiment', experimentId: '12', tab: 'runs' } } });
    expect(parseRoute(`/w/${WS}/blobs/data`)).toEqual(routes[19]);
  });

  it.each([
    ['an unknown top level', '/nowhere'],
    ['an unknown section', `/w/${WS}/settings`],
    ['a workspace id that is not one', '/w/../metaflow'],
    ['a flow name that is not an identifier', `/w/${WS}/metaflow/..%2F..%2Fetc`],
    ['a step that is not an identifier', `/w/${WS}/metaflow/F/1/bad-step`],
    ['a run id with a separator', `/w/${WS}/metaflow/F/a%2Fb`],
    ['a control character', `/w/${WS}/metaflow/F/a%0Ab`],
    ['a raw control character', `/w/${WS}/metaflow/F/a\nb`],
    ['a broken escape', `/w/${WS}/metaflow/F/%E0%A4%A`],
    ['too many levels', `/w/${WS}/metaflow/F/1/s/2/extra`],
    ['a task named ".."', `/w/${WS}/metaflow/F/1/s/%2E%2E`],
    ['an empty level', `/w/${WS}/metaflow/F//s`],
    ['an artifact above a task', `/w/${WS}/metaflow/F/1?artifact=x`],
    ['an attempt that is not a number', `/w/${WS}/metaflow/F/1/s/2?attempt=-1`],
    ['an unknown task tab', `/w/${WS}/metaflow/F/1/s/2?tab=secrets`],
    ['an artifact with another tab', `/w/${WS}/metaflow/F/1/s/2?tab=logs&artifact=x`],
    ['an unknown experiment tab', `/w/${WS}/mlflow/1/models`],
    ['a compare without runs', `/w/${WS}/mlflow/1/compare`],
    ['a span above a trace', `/w/${WS}/mlflow/1/runs/abc?span=x`],
    ['an empty span', `/w/${WS}/mlflow/1/traces/tr-1?span=`],
    ['an unknown parameter', `/w/${WS}/mlflow/1/runs/abc?evil=1`],
    ['a prompt key of neither kind', `/w/${WS}/mlflow/1/prompts/support-answer`],
    ['a prompt name with a separator', `/w/${WS}/mlflow/1/prompts/p%3Aa%2F..`],
    ['a fingerprint that is not 16 hex digits', `/w/${WS}/mlflow/1/prompts/s%3A0123`],
    ['a prompt version with a space', `/w/${WS}/mlflow/1/prompts/p%3Ax?version=1%202`],
    ['a prompt with a span', `/w/${WS}/mlflow/1/prompts/p%3Ax?span=1`],
    ['a bad container name', `/w/${WS}/blobs/Bad_Container/`],
    ['a prefix with a control character', `/w/${WS}/blobs/data/a%07/`],
    ['a gc sub-path', `/w/${WS}/gc/run`],
    ['a usage flow that is not an identifier', `/w/${WS}/usage/bad-flow`],
    ['a usage run named ".."', `/w/${WS}/usage/F/%2E%2E`],
    ['a usage step level', `/w/${WS}/usage/F/1/start`],
    ['a usage parameter', `/w/${WS}/usage/F?sort=x`],
    ['an over-long address', `/w/${WS}/blobs/data/${'a/'.repeat(5000)}`],
  ])('%s is not found', (_what, address) => {
    expect(parseRoute(address).name).toBe('notFound');
  });

  it('keeps only the start of a not-found address, for the message', () => {
    const route = parseRoute(`/${'x'.repeat(1000)}`);
    expect(route.name === 'notFound' && route.path.length).toBe(200);
  });
});

describe('stratus:// links', () => {
  it('round-trips every route', () => {
    for (const route of routes) expect(parseLink(formatLink(route))).toEqual(route);
    expect(formatLink(routes[7])).toBe(`stratus://w/${WS}/metaflow/F/12/start/3`);
  });

  it('keeps "." and ".." names as names', () => {
    const route = routes[21];
    expect(formatLink(route)).toContain('/%2E%2E/');
    expect(parseLink(formatLink(route))).toEqual(route);
  });

  it.each([
    ['another scheme', `https://w/${WS}/gc`],
    ['a lookalike scheme', `stratusx://w/${WS}/gc`],
    ['a fragment', `stratus://w/${WS}/gc#x`],
    ['an address naming no view', 'stratus://w/not-an-id/gc'],
    ['a javascript: link', 'javascript:alert(1)'],
    ['an over-long link', `stratus://w/${WS}/blobs/data/${'a'.repeat(9000)}/`],
  ])('refuses %s', (_what, link) => {
    expect(parseLink(link)).toBeUndefined();
  });

  it('finds the link among a second instance’s arguments', () => {
    expect(linkInArguments(['/usr/bin/stratus', '--no-sandbox', `stratus://w/${WS}/gc`])).toEqual(routes[22]);
    expect(linkInArguments(['/usr/bin/stratus', '--flag=stratus://w/x'])).toBeUndefined();
  });
});
