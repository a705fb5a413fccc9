import { expect, test } from '@playwright/test';
import { e2eEnvironment } from './environment.js';
import { FixtureFacts } from './fixture-facts.js';
import { connectToFixture, openRun, openTask } from './workspace-ui.js';

// The card's frame takes the app's theme: in dark mode its background and border are the dark
// surface's, not a white box; the card's page inside it stays the card's.

const env = e2eEnvironment();

for (const scheme of ['dark', 'light'] as const) {
  test(`in ${scheme} mode the card frame has the app's surface and border colours`, async ({ page }, testInfo) => {
    const facts = await FixtureFacts.load();
    const [card] = facts.cardTasks('SimpleCardFlow');
    expect(card).toBeDefined();
    await page.emulateMedia({ colorScheme: scheme });
    await connectToFixture(page, env);
    await openRun(page, 'SimpleCardFlow', card.run);
    await openTask(page, card.step, card.task);
    await page.getByRole('tab', { name: /^Cards/ }).click();
    const frame = page.getByTestId('card-frame');
    await expect(page.frameLocator('[data-testid="card-frame"]').getByText('Metaflow card fixture')).toBeVisible();

    const colours = await frame.evaluate((el) => {
      // The theme's own colours, resolved the way the browser resolves them for a box.
      const probe = document.createElement('div');
      probe.style.background = 'var(--surface)';
      probe.style.borderColor = 'var(--border)';
      document.body.append(probe);
      const theme = getComputedStyle(probe);
      const own = getComputedStyle(el);
      const result = { frame: own.backgroundColor, frameBorder: own.borderTopColor, surface: theme.backgroundColor, border: theme.borderTopColor };
      probe.remove();
      return result;
    });
    expect(colours.frame).toBe(colours.surface);
    expect(colours.frameBorder).toBe(colours.border);
    if (scheme === 'dark') expect(colours.frame).not.toBe('rgb(255, 255, 255)');
    await testInfo.attach(`card-${scheme}`, { body: await page.screenshot(), contentType: 'image/png' });
  });
}
