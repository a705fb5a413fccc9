import { useCallback, useEffect, useState } from 'react';
import { clampPanelHeight, PANEL_DEFAULT_HEIGHT, panelMaxHeight } from './panel-state.js';

// The transfers list's height, as the user last left it (kept in this profile's localStorage), and
// held within the window when the window shrinks.

const KEY = 'stratus.transfers.height';

function stored(): number {
  try {
    const raw = window.localStorage.getItem(KEY);
    return raw === null ? PANEL_DEFAULT_HEIGHT : Number(raw);
  } catch {
    // Storage refused (a locked-down profile): the default each time.
    return PANEL_DEFAULT_HEIGHT;
  }
}

export function usePanelHeight(): { height: number; max: number; setHeight: (height: number) => void } {
  const [height, setRaw] = useState(stored);
  const [windowHeight, setWindowHeight] = useState(() => window.innerHeight);
  useEffect(() => {
    const onResize = () => setWindowHeight(window.innerHeight);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  const setHeight = useCallback((next: number) => {
    const value = clampPanelHeight(next, window.innerHeight);
    setRaw(value);
    try {
      window.localStorage.setItem(KEY, String(value));
    } catch {
      // Not kept: the size still holds for this session.
    }
  }, []);
  return { height: clampPanelHeight(height, windowHeight), max: panelMaxHeight(windowHeight), setHeight };
}
