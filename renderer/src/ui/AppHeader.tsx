import './app-header.css';
import type { ReactNode } from 'react';
import { SettingsButton } from '../settings/SettingsButton.js';

/** The bar on every screen: the app's name, what the screen puts there, and Settings. */
export function AppHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="app-header">
      <span className="app-header__brand">Stratus</span>
      <div className="app-header__content">{children}</div>
      <SettingsButton />
    </header>
  );
}
