import { describe, expect, it } from 'vitest';
import { checkDraft, draftFromDefaults } from '../../../renderer/src/workspaces/draft.js';

// The workspace form: "Connect without saving" opens what "Save and connect" would save, optional fields included.

describe('checkDraft', () => {
  const base = draftFromDefaults({});

  it('keeps the MLflow tracking URI and the stale threshold when connecting a local folder without saving', () => {
    const check = checkDraft({ ...base, kind: 'local', name: 'Laptop', path: '/home/ds/work', mlflowTrackingUri: 'sqlite:////home/ds/mlflow.db', staleAfterHours: '6' });
    expect(check.open).toEqual({ kind: 'local', path: '/home/ds/work', mlflowTrackingUri: 'sqlite:////home/ds/mlflow.db', staleAfterHours: 6 });
    expect(check.save?.config).toMatchObject({ mlflowTrackingUri: 'sqlite:////home/ds/mlflow.db', staleAfterHours: 6 });
  });

  it('keeps the MLflow tracking URI when connecting to Azure without saving', () => {
    const check = checkDraft({ ...base, name: 'Prod', sysroot: 'metaflow-fixture/ds', endpoint: 'https://acct.blob.core.windows.net', mlflowTrackingUri: 'https://mlflow.example.com' });
    expect(check.open).toMatchObject({ kind: 'azure', sysroot: 'metaflow-fixture/ds', mlflowTrackingUri: 'https://mlflow.example.com' });
  });

  it('refuses a stale threshold out of range, with the range', () => {
    const check = checkDraft({ ...base, kind: 'local', name: 'Laptop', path: '/home/ds/work', staleAfterHours: '0' });
    expect(check.open).toBeUndefined();
    expect(check.errors.staleAfterHours?.join(' ')).toMatch(/at least 0\.05 hours/);
  });
});
