import { useEffect } from 'react';
import { usePreferences } from '../stores/preferences-store';

/** Puts the chosen theme on <html data-theme>; 'system' follows the OS and its changes. */
export function ThemeApplier() {
  const theme = usePreferences((s) => s.prefs?.theme ?? 'system');
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const resolved = theme === 'system' ? (media.matches ? 'dark' : 'light') : theme;
      document.documentElement.dataset.theme = resolved;
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
  return null;
}
