import { describe, expect, it } from 'vitest';
import { clampPanelHeight, openAfter, PANEL_DEFAULT_HEIGHT, PANEL_MIN_HEIGHT, panelMaxHeight } from '../../../renderer/src/transfers/panel-state.js';
import { resizeStep } from '../../../renderer/src/ui/resize-step.js';

// The transfers panel opens for new work, closes itself once emptied, and keeps a height the user
// chose within the window; its handle answers the keyboard.

const content = (jobs: number, conflicts = 0, leftovers = 0) => ({ jobs, conflicts, leftovers });

describe('when the transfers panel opens and closes by itself', () => {
  it('opens when transfers are added, a name conflict waits, or transfers are left from last time', () => {
    expect(openAfter(false, content(0), content(3))).toBe(true);
    expect(openAfter(false, content(3), content(3, 1))).toBe(true);
    expect(openAfter(false, content(0), content(0, 0, 2))).toBe(true);
  });

  it('closes when "Clear finished" (or the engine) leaves it empty', () => {
    expect(openAfter(true, content(5), content(0))).toBe(false);
    expect(openAfter(true, content(0, 0, 1), content(0))).toBe(false);
  });

  it('stays closed for the jobs the first listing brings (a reload, a second tab), but not for a question or leftovers', () => {
    expect(openAfter(false, null, content(2))).toBe(false);
    expect(openAfter(true, null, content(2))).toBe(true);
    expect(openAfter(false, null, content(2, 1))).toBe(true);
    expect(openAfter(false, null, content(0, 0, 1))).toBe(true);
    // Once listed, a job added after that is new work.
    expect(openAfter(false, content(2), content(3))).toBe(true);
  });

  it('otherwise leaves open or closed as the user set it', () => {
    // Jobs finishing or being removed one by one do not reopen or close a panel.
    expect(openAfter(false, content(5), content(4))).toBe(false);
    expect(openAfter(true, content(5), content(4))).toBe(true);
    // Nothing was there and nothing is: a panel the user opened stays open.
    expect(openAfter(true, content(0), content(0))).toBe(true);
  });
});

describe('the panel height', () => {
  it('stays between about two rows and 60% of the window', () => {
    expect(clampPanelHeight(10, 700)).toBe(PANEL_MIN_HEIGHT);
    expect(clampPanelHeight(5000, 700)).toBe(420);
    expect(clampPanelHeight(250, 900)).toBe(250);
    expect(panelMaxHeight(900)).toBe(540);
  });

  it('falls back to the default for a stored value that is not a number', () => {
    expect(clampPanelHeight(Number('junk'), 900)).toBe(PANEL_DEFAULT_HEIGHT);
  });

  it('is changed by the arrow, page, Home and End keys on the handle, within its limits', () => {
    expect(resizeStep('ArrowUp', 200, 96, 400)).toBe(216);
    expect(resizeStep('ArrowDown', 200, 96, 400)).toBe(184);
    expect(resizeStep('PageUp', 380, 96, 400)).toBe(400);
    expect(resizeStep('PageDown', 120, 96, 400)).toBe(96);
    expect(resizeStep('Home', 200, 96, 400)).toBe(96);
    expect(resizeStep('End', 200, 96, 400)).toBe(400);
    expect(resizeStep('a', 200, 96, 400)).toBeNull();
  });
});
