import { lazy, Suspense, type ComponentType } from 'react';
import { Route, Switch } from 'wouter';
import { RecordCreatePage } from '../entities/RecordCreatePage';
import { RecordDetailPage } from '../entities/RecordDetailPage';
import { RecordEditPage } from '../entities/RecordEditPage';
import { RecordListPage } from '../entities/RecordListPage';
import { NotificationsPage } from '../notifications/NotificationsPage';
import { ApprovalsPage } from '../approvals/ApprovalsPage';
import { ProcessListPage } from '../process/ProcessListPage';
import { PluginBoundary, PluginsProvider, useStudioPlugins } from '../plugins/context';
import { AuthGate } from './AuthGate';
import { EntitiesProvider } from './entities-context';
import { ErrorBoundary } from './ErrorBoundary';
import { Layout } from './Layout';
import { NotFoundPage } from './NotFoundPage';

// React Flow, dagre and the rule engine load only when the rule builder opens.
const RuleBuilderPage = lazy(() => import('../rules/RuleBuilderPage').then((m) => ({ default: m.RuleBuilderPage })));
const RuleLibraryPage = lazy(() => import('../rules/RuleLibraryPage').then((m) => ({ default: m.RuleLibraryPage })));
const RuleEditorPage = lazy(() => import('../rules/RuleEditorPage').then((m) => ({ default: m.RuleEditorPage })));
const DesignerPage = lazy(() => import('../process/designer/DesignerPage').then((m) => ({ default: m.DesignerPage })));
// Dashboards (and ECharts, loaded by the first chart) load after sign-in, with the home page
const dashboards = () => import('../dashboards/DashboardPages');
const HomeDashboardPage = lazy(() => dashboards().then((m) => ({ default: m.HomeDashboardPage })));
const DashboardPage = lazy(() => dashboards().then((m) => ({ default: m.DashboardPage })));
const DashboardListPage = lazy(() => dashboards().then((m) => ({ default: m.DashboardListPage })));
// dnd-kit loads only with the board
const BoardPage = lazy(() => import('../process/board/BoardPage').then((m) => ({ default: m.BoardPage })));

/** A page loaded on demand, with a status line while its code loads. */
const lazyPage = (Page: ComponentType) => (
  <Suspense fallback={<p role="status">…</p>}>
    <Page />
  </Suspense>
);

/** The routes of the plugins' pages, `/p/{plugin}/{path}`, each behind an error panel naming its plugin. */
function PluginRoutes() {
  const { pages } = useStudioPlugins();
  return (
    <Switch>
      {pages.map((p) => (
        <Route key={`${p.plugin}/${p.path}`} path={`/p/${p.plugin}/${p.path}`}>
          {(params: Record<string, string | undefined>) => (
            <PluginBoundary plugin={p.plugin}>
              <p.component params={params} />
            </PluginBoundary>
          )}
        </Route>
      ))}
      <Route component={NotFoundPage} />
    </Switch>
  );
}

/**
 * The studio: sign-in gate, plugins' studio halves, entity catalogue, layout and routes.
 *
 * @example
 * ```tsx
 * createRoot(el).render(<App />);
 * ```
 */
export function App() {
  return (
    <ErrorBoundary>
      <AuthGate>
        <PluginsProvider>
          <EntitiesProvider>
            <Layout>
              <ErrorBoundary>
                <Switch>
                  <Route path="/">{lazyPage(HomeDashboardPage)}</Route>
                  <Route path="/dashboards">{lazyPage(DashboardListPage)}</Route>
                  <Route path="/dashboards/:id">{lazyPage(DashboardPage)}</Route>
                  <Route path="/records/:type/new" component={RecordCreatePage} />
                  <Route path="/records/:type/:id/edit" component={RecordEditPage} />
                  <Route path="/records/:type/:id" component={RecordDetailPage} />
                  <Route path="/records/:type" component={RecordListPage} />
                  <Route path="/rules">{lazyPage(RuleLibraryPage)}</Route>
                  <Route path="/rules/builder">{lazyPage(RuleBuilderPage)}</Route>
                  <Route path="/rules/:id">{lazyPage(RuleEditorPage)}</Route>
                  <Route path="/notifications" component={NotificationsPage} />
                  <Route path="/approvals" component={ApprovalsPage} />
                  <Route path="/processes" component={ProcessListPage} />
                  <Route path="/processes/:id">{lazyPage(DesignerPage)}</Route>
                  <Route path="/board/:entity?">{lazyPage(BoardPage)}</Route>
                  <Route path="/p/*" component={PluginRoutes} />
                  <Route component={NotFoundPage} />
                </Switch>
              </ErrorBoundary>
            </Layout>
          </EntitiesProvider>
        </PluginsProvider>
      </AuthGate>
    </ErrorBoundary>
  );
}
