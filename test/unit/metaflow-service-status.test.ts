import { describe, expect, it } from 'vitest';
import { checkServiceUrl, serviceHeaders } from '../../electron/metaflow/service/service-auth.js';
import { parseVersion, versionAtLeast } from '../../electron/metaflow/service/service-client.js';
import { liveness, runOutcome, serviceRunSummary } from '../../electron/metaflow/service/service-status.js';
import { toEpochMs, WireMetadata, WireRun } from '../../electron/metaflow/service/service-wire.js';
import { metaflowUser } from '../../electron/metaflow/service/open-service.js';
import { recorded, recordedRuns } from '../harness/service-recording.js';

// The service's answers as recorded in the fixture's rest/: run status derived from the metadata Stratus reads
// must match the status the service itself derived in its recorded `status:eq` listings.

const CUTOFF = 360_000;

describe('service run status from recorded metadata', () => {
  it('agrees with the service\'s own status filters for every recorded listing', async () => {
    const checks: [string, string, 'completed' | 'failed'][] = [
      ['RetryFlow', '/flows/RetryFlow/runs?status:eq=completed', 'completed'],
      ['RetryFlow', '/flows/RetryFlow/runs?status:eq=failed', 'failed'],
      ['SlowFlow', '/flows/SlowFlow/runs?status:eq=failed', 'failed'],
    ];
    for (const [flow, path, status] of checks) {
      const listing = await recorded(path);
      const runs = WireRun.array().parse(listing.body);
      expect(runs.length, path).toBeGreaterThan(0);
      for (const run of runs) {
        const metadata = WireMetadata.array().parse((await recorded(`/flows/${flow}/runs/${run.run_number}/metadata`)).body);
        const outcome = runOutcome(metadata);
        // Judged at the time of the recording: the service's "failed" covers both failed and stale (killed) runs.
        const ours = liveness(outcome.outcome, run.last_heartbeat_ts, CUTOFF, listing.recorded_at_epoch_ms);
        expect(status === 'completed' ? ours === 'succeeded' : ours === 'failed' || ours === 'stale', `${path} run ${run.run_number}: ${ours}`).toBe(true);
      }
    }
    const running = WireRun.array().parse((await recorded('/flows/SlowFlow/runs?status:eq=running')).body);
    expect(running).toEqual([]);
  });

  it('reads every recorded run: seconds heartbeats and millisecond times, user from the system tag', async () => {
    for (const [flow, runs] of await recordedRuns()) {
      for (const raw of runs) {
        const run = WireRun.parse(raw);
        const summary = serviceRunSummary(run, { outcome: 'unfinished', finishedAt: null, lastRecordAt: null }, CUTOFF, run.ts_epoch ?? 0);
        expect(summary.flow).toBe(flow);
        expect(summary.startedAt).toBe(raw.ts_epoch);
        expect(summary.lastHeartbeatAt).toBe(raw.last_heartbeat_ts === null ? null : raw.last_heartbeat_ts * 1000);
        expect(summary.user).toBe(raw.system_tags.find((t) => t.startsWith('user:'))?.slice(5));
      }
    }
  });

  it('a task whose latest attempt has no outcome yet keeps the run unfinished, even after a failed attempt', () => {
    const row = (field: string, value: string, attempt: number, step = 'train') =>
      WireMetadata.parse({ step_name: step, task_id: 5, field_name: field, value, ts_epoch: 1_796_000_000_000 + attempt, tags: [`attempt_id:${attempt}`] });
    expect(runOutcome([row('attempt', '0', 0), row('attempt_ok', 'False', 0), row('attempt', '1', 1)]).outcome).toBe('unfinished');
    expect(runOutcome([row('attempt', '0', 0), row('attempt_ok', 'False', 0)]).outcome).toBe('failed');
    expect(runOutcome([row('attempt', '0', 0, 'end'), row('attempt_ok', 'True', 0, 'end')]).outcome).toBe('succeeded');
    expect(liveness('unfinished', 1_000_000, CUTOFF, 1_000_000 + CUTOFF)).toBe('running');
    expect(liveness('unfinished', 1_000_000, CUTOFF, 1_000_001 + CUTOFF)).toBe('stale');
    expect(liveness('unfinished', null, CUTOFF, 0)).toBe('stale');
  });

  it('normalises time units, versions, headers and URLs', () => {
    expect(toEpochMs(1_796_409_470)).toBe(1_796_409_470_000);
    expect(toEpochMs(1_796_409_471_172)).toBe(1_796_409_471_172);
    expect(versionAtLeast(parseVersion('2.5.1') ?? [], [2, 3, 0])).toBe(true);
    expect(versionAtLeast(parseVersion('2.2.9') ?? [], [2, 3, 0])).toBe(false);
    expect(parseVersion(null)).toBeUndefined();
    expect(serviceHeaders({ authKey: 'k', headersJson: '{"x-team":"red"}' })).toEqual({ 'x-team': 'red', 'x-api-key': 'k' });
    expect(() => serviceHeaders({ headersJson: '["x"]' })).toThrow(/JSON object/);
    expect(() => serviceHeaders({ headersJson: '{"x":"a\\nb"}' })).toThrow(/"x": A header value is one line \(no CR or LF\)/);
    expect(() => checkServiceUrl('http://metaflow.example.com/', true)).toThrow(/only sent over https/);
    expect(checkServiceUrl('http://127.0.0.1:8080/', true).port).toBe('8080');
    expect(() => checkServiceUrl('http://u:p@host/', false)).toThrow(/user or password/);
    expect(metaflowUser({ USER: 'root', USERNAME: 'bob' })).toBe('bob');
    expect(metaflowUser({ METAFLOW_USER: 'alice', USER: 'bob' })).toBe('alice');
    expect(metaflowUser({ USER: 'root' })).toBeUndefined();
  });
});
