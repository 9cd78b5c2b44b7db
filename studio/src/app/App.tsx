import { lazy, Suspense, type ComponentType } from 'react';
import { Route, Switch } from 'wouter';
import { hasSessionCookie } from '../api/auth';
import { i18n } from '../i18n/setup';
import { builtinRegistry, PluginBoundary, PluginsProvider, useStudioPlugins } from '../plugins/context';
import { prefetchBoardValues } from '../process/board/board-prefetch';
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
// Every page loads on first visit (ADR 030, cold load): the generated forms (rjsf) with the record pages
const RecordCreatePage = lazy(() => import('../entities/RecordCreatePage').then((m) => ({ default: m.RecordCreatePage })));
const RecordEditPage = lazy(() => import('../entities/RecordEditPage').then((m) => ({ default: m.RecordEditPage })));
const RecordDetailPage = lazy(() => import('../entities/RecordDetailPage').then((m) => ({ default: m.RecordDetailPage })));
const RecordListPage = lazy(() => import('../entities/RecordListPage').then((m) => ({ default: m.RecordListPage })));
const NotificationsPage = lazy(() => import('../notifications/NotificationsPage').then((m) => ({ default: m.NotificationsPage })));
const ApprovalsPage = lazy(() => import('../approvals/ApprovalsPage').then((m) => ({ default: m.ApprovalsPage })));
const ProcessListPage = lazy(() => import('../process/ProcessListPage').then((m) => ({ default: m.ProcessListPage })));
// dnd-kit loads only with the board; opened at a board address, the board's code loads with the
// app, beside the plugins' and entities' requests rather than after them
const loadBoard = () => import('../process/board/BoardPage');
const BoardPage = lazy(() => loadBoard().then((m) => ({ default: m.BoardPage })));
if (globalThis.location?.pathname.startsWith('/board')) void loadBoard();

// A signed-in cold load: as soon as this code is here, not after the first render (which waits
// for the reader's messages) has set up the plugins, a registry of the built-in halves of its own
// starts their text in the reader's language (a chunk, which the plugins' own loaders then find
// loaded) and, on a board address, asks the board's money figures (ADR 030 addenda, cold load).
if (globalThis.location && hasSessionCookie()) {
  const builtins = builtinRegistry();
  void builtins.loadLanguage(i18n.language);
  if (location.pathname.startsWith('/board')) prefetchBoardValues(builtins.boards, location);
}

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
 * The studio behind the sign-in gate (`Root` loads it on demand): plugins' studio halves,
 * entity catalogue, layout and routes.
 *
 * @example
 * ```tsx
 * <AuthGate><App /></AuthGate>
 * ```
 */
export function App() {
  return (
    <ErrorBoundary>
      <PluginsProvider>
        <EntitiesProvider>
          <Layout>
            <ErrorBoundary>
              <Switch>
                <Route path="/">{lazyPage(HomeDashboardPage)}</Route>
                <Route path="/dashboards">{lazyPage(DashboardListPage)}</Route>
                <Route path="/dashboards/:id">{lazyPage(DashboardPage)}</Route>
                <Route path="/records/:type/new">{lazyPage(RecordCreatePage)}</Route>
                <Route path="/records/:type/:id/edit">{lazyPage(RecordEditPage)}</Route>
                <Route path="/records/:type/:id">{lazyPage(RecordDetailPage)}</Route>
                <Route path="/records/:type">{lazyPage(RecordListPage)}</Route>
                <Route path="/rules">{lazyPage(RuleLibraryPage)}</Route>
                <Route path="/rules/builder">{lazyPage(RuleBuilderPage)}</Route>
                <Route path="/rules/:id">{lazyPage(RuleEditorPage)}</Route>
                <Route path="/notifications">{lazyPage(NotificationsPage)}</Route>
                <Route path="/approvals">{lazyPage(ApprovalsPage)}</Route>
                <Route path="/processes">{lazyPage(ProcessListPage)}</Route>
                <Route path="/processes/:id">{lazyPage(DesignerPage)}</Route>
                <Route path="/board/:entity?">{lazyPage(BoardPage)}</Route>
                <Route path="/p/*" component={PluginRoutes} />
                <Route component={NotFoundPage} />
              </Switch>
            </ErrorBoundary>
          </Layout>
        </EntitiesProvider>
      </PluginsProvider>
    </ErrorBoundary>
  );
}
