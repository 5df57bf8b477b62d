import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Layout } from './components/Layout';
import { LoginPage } from './features/auth/LoginPage';
import { resume, useSession } from './features/auth/useSession';
import { can } from './lib/permissions';

const DashboardPage = lazy(() => import('./features/dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const CustomerListPage = lazy(() => import('./features/customers/CustomerListPage').then((m) => ({ default: m.CustomerListPage })));
const CustomerEditPage = lazy(() => import('./features/customers/CustomerEditPage').then((m) => ({ default: m.CustomerEditPage })));
const CustomerDetailPage = lazy(() => import('./features/customers/CustomerDetailPage').then((m) => ({ default: m.CustomerDetailPage })));
const PipelinePage = lazy(() => import('./features/sales/PipelinePage').then((m) => ({ default: m.PipelinePage })));
const ServiceQueuePage = lazy(() => import('./features/service/ServiceQueuePage').then((m) => ({ default: m.ServiceQueuePage })));
const ServiceDetailPage = lazy(() => import('./features/service/ServiceDetailPage').then((m) => ({ default: m.ServiceDetailPage })));
const ProductsPage = lazy(() => import('./features/products/ProductsPage').then((m) => ({ default: m.ProductsPage })));
const LeadsPage = lazy(() => import('./features/sales/LeadsPage').then((m) => ({ default: m.LeadsPage })));
const ApiKeysPage = lazy(() => import('./features/admin/ApiKeysPage').then((m) => ({ default: m.ApiKeysPage })));
const AuditLogPage = lazy(() => import('./features/admin/AuditLogPage').then((m) => ({ default: m.AuditLogPage })));
const CsatPage = lazy(() => import('./features/service/CsatPage').then((m) => ({ default: m.CsatPage })));
const OrdersPage = lazy(() => import('./features/sales/OrdersPage').then((m) => ({ default: m.OrdersPage })));
const OrderDetailPage = lazy(() => import('./features/sales/OrderDetailPage').then((m) => ({ default: m.OrderDetailPage })));
const FollowUpsPage = lazy(() => import('./features/sales/FollowUpsPage').then((m) => ({ default: m.FollowUpsPage })));
const ForecastPage = lazy(() => import('./features/analytics/ForecastPage').then((m) => ({ default: m.ForecastPage })));
const RfmPage = lazy(() => import('./features/analytics/RfmPage').then((m) => ({ default: m.RfmPage })));
const RegressionPage = lazy(() => import('./features/analytics/RegressionPage').then((m) => ({ default: m.RegressionPage })));
const QuotesPage = lazy(() => import('./features/quotes/QuotesPage').then((m) => ({ default: m.QuotesPage })));
const QuoteEditorPage = lazy(() => import('./features/quotes/QuoteEditorPage').then((m) => ({ default: m.QuoteEditorPage })));
const SegmentsPage = lazy(() => import('./features/marketing/SegmentsPage').then((m) => ({ default: m.SegmentsPage })));
const SegmentEditPage = lazy(() => import('./features/marketing/SegmentEditPage').then((m) => ({ default: m.SegmentEditPage })));
const CampaignsPage = lazy(() => import('./features/marketing/CampaignsPage').then((m) => ({ default: m.CampaignsPage })));
const CampaignEditPage = lazy(() => import('./features/marketing/CampaignEditPage').then((m) => ({ default: m.CampaignEditPage })));
const CampaignDetailPage = lazy(() => import('./features/marketing/CampaignDetailPage').then((m) => ({ default: m.CampaignDetailPage })));
const ComparePage = lazy(() => import('./features/marketing/ComparePage').then((m) => ({ default: m.ComparePage })));
const RelatedProductsPage = lazy(() => import('./features/products/RelatedProductsPage').then((m) => ({ default: m.RelatedProductsPage })));
const WebhooksPage = lazy(() => import('./features/admin/WebhooksPage').then((m) => ({ default: m.WebhooksPage })));
const WebhookDeliveriesPage = lazy(() => import('./features/admin/WebhookDeliveriesPage').then((m) => ({ default: m.WebhookDeliveriesPage })));
const RolesPage = lazy(() => import('./features/admin/RolesPage').then((m) => ({ default: m.RolesPage })));
const UsersPage = lazy(() => import('./features/admin/UsersPage').then((m) => ({ default: m.UsersPage })));

function RequireAuth({ children }: { children: ReactNode }) {
  const { accessToken } = useSession();
  const [resuming, setResuming] = useState(!accessToken);
  useEffect(() => {
    if (!accessToken) resume().finally(() => setResuming(false));
  }, [accessToken]);
  if (accessToken) return <>{children}</>;
  if (resuming) return null;
  return <Navigate to="/login" replace />;
}

function Home() {
  const { user } = useSession();
  if (can(user?.role, 'analytics:read')) return <DashboardPage />;
  return <Navigate to={can(user?.role, 'service:read') ? '/service' : '/customers'} replace />;
}

export function App() {
  return (
    <Suspense fallback={null}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireAuth>
              <Layout />
            </RequireAuth>
          }
        >
          <Route index element={<Home />} />
          <Route path="customers" element={<CustomerListPage />} />
          <Route path="customers/new" element={<CustomerEditPage />} />
          <Route path="customers/:id" element={<CustomerDetailPage />} />
          <Route path="customers/:id/edit" element={<CustomerEditPage />} />
          <Route path="leads" element={<LeadsPage />} />
          <Route path="pipeline" element={<PipelinePage />} />
          <Route path="products" element={<ProductsPage />} />
          <Route path="products/:id/related" element={<RelatedProductsPage />} />
          <Route path="quotes" element={<QuotesPage />} />
          <Route path="quotes/new" element={<QuoteEditorPage />} />
          <Route path="quotes/:id" element={<QuoteEditorPage />} />
          <Route path="marketing" element={<Navigate to="/marketing/campaigns" replace />} />
          <Route path="marketing/campaigns" element={<CampaignsPage />} />
          <Route path="marketing/campaigns/new" element={<CampaignEditPage />} />
          <Route path="marketing/campaigns/:id" element={<CampaignDetailPage />} />
          <Route path="marketing/campaigns/:id/edit" element={<CampaignEditPage />} />
          <Route path="marketing/segments" element={<SegmentsPage />} />
          <Route path="marketing/segments/new" element={<SegmentEditPage />} />
          <Route path="marketing/segments/:id" element={<SegmentEditPage />} />
          <Route path="marketing/compare" element={<ComparePage />} />
          <Route path="service" element={<ServiceQueuePage />} />
          <Route path="service/:id" element={<ServiceDetailPage />} />
          <Route path="admin/users" element={<UsersPage />} />
          <Route path="admin/api-keys" element={<ApiKeysPage />} />
          <Route path="admin/audit" element={<AuditLogPage />} />
          <Route path="admin/webhooks" element={<WebhooksPage />} />
          <Route path="admin/webhooks/:id/deliveries" element={<WebhookDeliveriesPage />} />
          <Route path="admin/roles" element={<RolesPage />} />
          <Route path="service/csat" element={<CsatPage />} />
          <Route path="orders" element={<OrdersPage />} />
          <Route path="orders/:id" element={<OrderDetailPage />} />
          <Route path="follow-ups" element={<FollowUpsPage />} />
          <Route path="analytics/forecast" element={<ForecastPage />} />
          <Route path="analytics/rfm" element={<RfmPage />} />
          <Route path="analytics/regression" element={<RegressionPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
