import { expect, test } from '@playwright/test';
import { e2eEnvironment } from './environment.js';
import { startNewWorkspace } from './workspace-ui.js';

const env = e2eEnvironment();

// The browser-mode client against a host that drops the socket mid-call: the pending call must
// end with a visible error (and Retry must work again), never a spinner that waits forever.
test('a lost connection ends the pending call with an error, and Retry reconnects', async ({ page }) => {
  let dropNextOpen = true;
  await page.routeWebSocket('**/ws', (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      const call: unknown = JSON.parse(String(message));
      const channel = typeof call === 'object' && call !== null && 'channel' in call ? call.channel : undefined;
      if (channel === 'workspace.open' && dropNextOpen) {
        dropNextOpen = false;
        void socket.close();
        return;
      }
      server.send(message);
    });
  });

  await page.goto(env.url);
  await startNewWorkspace(page);
  await page.getByLabel('Sysroot').fill(env.sysroot);
  await page.getByRole('radio', { name: 'From environment' }).check();
  await page.getByRole('button', { name: 'Connect without saving' }).click();

  const error = page.getByTestId('error');
  await expect(error).toContainText('Lost connection to the Stratus host');
  await expect(page.getByTestId('loading')).toHaveCount(0);
  await error.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByTestId('workspace-sysroot')).toHaveText(env.sysroot);
});

// A call over the host's message limit closes the socket with 1009: the call ends with an error
// saying so, not with a lost connection.
test('a call the host refuses as too large says so', async ({ page }) => {
  await page.routeWebSocket('**/ws', (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      const call: unknown = JSON.parse(String(message));
      const channel = typeof call === 'object' && call !== null && 'channel' in call ? call.channel : undefined;
      if (channel === 'workspace.open') void socket.close({ code: 1009 });
      else server.send(message);
    });
  });

  await page.goto(env.url);
  await startNewWorkspace(page);
  await page.getByLabel('Sysroot').fill(env.sysroot);
  await page.getByRole('radio', { name: 'From environment' }).check();
  await page.getByRole('button', { name: 'Connect without saving' }).click();
  await expect(page.getByTestId('error')).toContainText('This workspace.open request is larger than the 25 MiB the Stratus host accepts in one message.');
});
