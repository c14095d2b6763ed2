import { Route, Routes, useParams } from 'react-router-dom';
import { ErrorPage } from '@backstage/core-components';
import { poolRouteRef } from '../../routes';
import { PoolPage } from '../PoolPage';
import { PoolsPage } from '../PoolsPage';

const notFound = (
  <ErrorPage status="404" statusMessage="There is no such Warm Pools page." />
);

function PoolRoute() {
  const { cluster, namespace, pool } = useParams();
  if (!cluster || !namespace || !pool) return notFound;
  return <PoolPage pool={{ cluster, namespace, pool }} />;
}

/** The plugin's pages under its mount point: every pool, and a page per pool at `:cluster/:namespace/:pool`. */
export function Router() {
  return (
    <Routes>
      <Route path="/" element={<PoolsPage />} />
      <Route path={poolRouteRef.path} element={<PoolRoute />} />
      <Route path="*" element={notFound} />
    </Routes>
  );
}
