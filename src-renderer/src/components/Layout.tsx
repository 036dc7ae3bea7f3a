import type { ReactNode } from 'react';
import { PAGES, useNav, type Page } from '../stores/nav-store';
import { usePreferences } from '../stores/preferences-store';

const LABELS: Record<Page, string> = {
  dashboard: 'Dashboard',
  data: 'Data',
  strategies: 'Strategies',
  backtests: 'Backtests',
  journal: 'Journal',
  settings: 'Settings',
};

export function Layout({ children, status }: { children: ReactNode; status?: ReactNode }) {
  const { page, go } = useNav();
  const mode = usePreferences((s) => s.mode);
  return (
    <div className="layout">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Quantdesk</div>
        <ul>
          {PAGES.map((p) => (
            <li key={p}>
              <a
                href={`#/${p}`}
                aria-current={p === page ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  go(p);
                }}
              >
                {LABELS[p]}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          {mode && (
            <span className="badge" data-testid="mode-badge">
              {mode === 'expert' ? 'Expert' : 'Beginner'}
            </span>
          )}
          {status}
        </div>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}

export const pageTitle = (p: Page): string => LABELS[p];
