import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { generatePromptTraces, mlflowKitMissing, type GeneratedPromptTraces } from '../harness/mlflow-server.js';
import { e2eEnvironment } from './environment.js';
import { openExperiment, openMlflowWorkspace } from './mlflow-ui.js';

// The Prompts tab over a store MLflow's own prompt registry and tracing API wrote (the generator in
// test/harness/, into sqlite with local artifacts): prompts listed by version, a prompt's template,
// two versions' outputs for one input side by side, and from the prompt to one of its traces.

const env = e2eEnvironment();
const missing = mlflowKitMissing();
let scratch: string;
let dbFile: string;
let written: GeneratedPromptTraces;

test.describe('the Prompts tab', () => {
  test.skip(missing !== null, missing ?? '');

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    // Inside the one folder the host may read (STRATUS_ALLOWED_FOLDERS).
    scratch = await mkdtemp(path.join(env.localFolder, 'prompts-'));
    dbFile = path.join(scratch, 'mlflow.db');
    written = await generatePromptTraces(null, dbFile, pathToFileURL(path.join(scratch, 'artifacts')).href, 11);
  });

  test.afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('lists prompts by version, compares two versions’ outputs for one input, and opens a prompt’s trace', async ({ page }) => {
    const linked = written.traces.filter((t) => t.prompt?.name === 'support-answer');
    const versions = new Set(linked.map((t) => t.prompt?.version));
    await openMlflowWorkspace(page, env, 'Prompts', `sqlite:///${dbFile}`);
    await openExperiment(page, 'prompt-traces', 'Runs');
    await page.getByRole('tablist', { name: 'Experiment views' }).getByRole('tab', { name: 'Prompts' }).click();

    const table = page.getByTestId('prompts-table');
    const rows = table.locator('tbody tr').filter({ hasText: 'support-answer' });
    await expect(rows).toHaveCount(versions.size);
    // A system prompt that is not registered has its own row.
    await expect(table.locator('tbody tr').filter({ hasText: 'system prompt' }).first()).toBeVisible();

    await rows.filter({ hasText: 'v1' }).click();
    await expect(page).toHaveURL(/\/prompts\/p%3Asupport-answer\?version=1$/);
    await expect(page.getByTestId('prompt-template')).toHaveText(written.prompts['support-answer'][0]);
    await expect(page.getByTestId('prompt-versions').locator('tbody tr')).toHaveCount(versions.size);

    // Outputs side by side: the input's traces of each version, as the generator wrote them.
    const input = linked[0].input;
    const select = page.getByTestId('compare-input');
    const option = await select.locator('option', { hasText: input }).getAttribute('value');
    await select.selectOption(option ?? '');
    for (const t of linked.filter((x) => x.input === input)) {
      const column = page.locator(`[data-testid="compare-column"][data-version="${t.prompt?.version}"]`);
      await expect(column.getByTestId('compare-output')).toContainText(t.output ?? '(no output)');
    }

    // From the prompt to its traces: the version's list, then one trace.
    const traceRows = page.getByTestId('prompt-traces').locator('tbody tr');
    await expect(traceRows).toHaveCount(linked.filter((t) => t.prompt?.version === '1').length);
    const first = (await traceRows.first().locator('td').first().textContent()) ?? '';
    await traceRows.first().click();
    await expect(page).toHaveURL(new RegExp(`/traces/${first}\\?from=prompts$`));
    await expect(page.getByRole('navigation', { name: 'MLflow location' }).locator('[aria-current="page"]')).toHaveText(first);
  });

  test('groups LangChain traces by the template their spans carry, showing its text and variables', async ({ page }) => {
    const template = written.traces.find((t) => t.template !== undefined)?.template ?? '';
    const mine = written.traces.filter((t) => t.template === template);
    await openMlflowWorkspace(page, env, 'Prompt templates', `sqlite:///${dbFile}`);
    await openExperiment(page, 'prompt-traces', 'Runs');
    await page.getByRole('tablist', { name: 'Experiment views' }).getByRole('tab', { name: 'Prompts' }).click();
    const row = page.getByTestId('prompts-table').locator('tbody tr').filter({ hasText: 'template' }).filter({ hasText: template.split('\n')[0].slice(0, 40) });
    await expect(row).toHaveCount(1);
    await row.click();
    await expect(page.getByTestId('prompt-template')).toHaveText(template);
    await expect(page.getByTestId('prompt-variables')).toContainText([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).join(', '));
    await expect(page.getByTestId('prompt-traces').locator('tbody tr')).toHaveCount(mine.length);
  });
});
