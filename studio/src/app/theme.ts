/** The user's colour theme: the system's (prefers-color-scheme), or light or dark whatever it says. */
export type ThemeChoice = 'system' | 'light' | 'dark';

/** Where the choice is kept in this browser. */
export const THEME_KEY = 'pipewright.theme';

/**
 * The theme this browser last chose (`system` when none or unreadable).
 *
 * @example
 * ```ts
 * applyTheme(readTheme());
 * ```
 */
export function readTheme(): ThemeChoice {
  try {
    const v = globalThis.localStorage?.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/**
 * Applies a theme to the page (`data-theme` on the root element; none follows the system) and
 * keeps it in this browser when `persist`.
 *
 * @example
 * ```ts
 * applyTheme('dark', true);
 * ```
 */
export function applyTheme(choice: ThemeChoice, persist = false): void {
  const root = globalThis.document?.documentElement;
  if (root) {
    if (choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = choice;
  }
  if (!persist) return;
  try {
    if (choice === 'system') globalThis.localStorage?.removeItem(THEME_KEY);
    else globalThis.localStorage?.setItem(THEME_KEY, choice);
  } catch {
    // storage disabled: the choice lasts for this page
  }
}
