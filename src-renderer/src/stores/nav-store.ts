import { create } from 'zustand';

export const PAGES = ['dashboard', 'data', 'strategies', 'backtests', 'journal', 'settings'] as const;
export type Page = (typeof PAGES)[number];

const fromHash = (): Page => {
  const h = location.hash.replace(/^#\/?/, '');
  return (PAGES as readonly string[]).includes(h) ? (h as Page) : 'dashboard';
};

interface NavState {
  page: Page;
  go(page: Page): void;
}

/** The current page lives in the URL hash, so a reload (or the harness) lands on the same page. */
export const useNav = create<NavState>((set) => ({
  page: fromHash(),
  go(page) {
    location.hash = `/${page}`;
    set({ page });
  },
}));

window.addEventListener('hashchange', () => useNav.setState({ page: fromHash() }));
