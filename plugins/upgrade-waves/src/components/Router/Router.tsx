import { Route, Routes, useParams } from 'react-router-dom';
import { ErrorPage } from '@backstage/core-components';
import { waveRouteRef } from '../../routes';
import { FleetPage } from '../FleetPage';
import { WavePage } from '../WavePage';

const notFound = (
  <ErrorPage
    status="404"
    statusMessage="There is no such Upgrade Waves page."
  />
);

function WaveRoute() {
  const { waveId } = useParams();
  if (!waveId) return notFound;
  return <WavePage waveId={waveId} />;
}

/** The plugin's pages under its mount point: the fleet, and a page per wave at `waves/:waveId`. */
export function Router() {
  return (
    <Routes>
      <Route path="/" element={<FleetPage />} />
      <Route path={waveRouteRef.path} element={<WaveRoute />} />
      <Route path="*" element={notFound} />
    </Routes>
  );
}
