import { useEffect, type ReactNode } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ErrorMessage, Loading } from './components/ErrorMessage';
import { Layout } from './components/Layout';
import { SyncIndicator } from './components/SyncIndicator';
import { ThemeApplier } from './components/ThemeApplier';
import { BacktestsPage } from './pages/backtests/BacktestsPage';
import { DashboardPage } from './pages/DashboardPage';
import { DataPage } from './pages/data/DataPage';
import { PlaceholderPage } from './pages/PlaceholderPage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { StrategyConsole } from './pages/strategies/StrategyConsole';
import { StrategiesPage } from './pages/strategies/StrategiesPage';
import { useNav, type Page } from './stores/nav-store';
import { usePreferences } from './stores/preferences-store';

/** Each page of the navigation; features replace their placeholder as they land. */
const PAGE_VIEWS: Record<Page, () => ReactNode> = {
  dashboard: () => <DashboardPage />,
  data: () => <DataPage />,
  strategies: () => (
    <>
      <StrategiesPage />
      <h2>Scratch console</h2>
      <StrategyConsole />
    </>
  ),
  backtests: () => <BacktestsPage />,
  journal: () => <PlaceholderPage title="Journal" text="Keep notes on your trades here." />,
  settings: () => <SettingsPage />,
};

export function App() {
  const page = useNav((s) => s.page);
  const { status, error, load } = usePreferences();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <ThemeApplier />
      <Layout status={<SyncIndicator />}>
        {status === 'loading' || status === 'idle' ? (
          <Loading label="Starting Quantdesk…" />
        ) : status === 'error' && error ? (
          <ErrorMessage error={error} onRetry={() => void load()} />
        ) : (
          <ErrorBoundary resetKey={page}>{PAGE_VIEWS[page]()}</ErrorBoundary>
        )}
      </Layout>
    </>
  );
}
