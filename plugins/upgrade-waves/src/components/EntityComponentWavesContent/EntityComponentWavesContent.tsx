import { EmptyState, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import {
  ResourceView,
  useResource,
  useThrottledRefresh,
} from '@fleetdeck/frontend-common';
import {
  ComponentWaves,
  upgradeWavesSignalChannels,
} from '@fleetdeck/plugin-upgrade-waves-common';
import {
  CLUSTERS_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
} from '../../annotations';
import { upgradeWavesApiRef } from '../../api';
import { withSignalledStatus } from '../../hooks/useLiveFleet';
import { useUpgradeWavesSignal } from '../../hooks/useUpgradeWavesSignal';
import { newestWavesFirst, WavesTable } from '../WavesTable';

function ComponentWavesView(props: { value: ComponentWaves }) {
  const { value } = props;
  if (value.clusters.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="This Component runs on no registered cluster"
        description={`No registered cluster runs workloads labelled with its ${KUBERNETES_ID_ANNOTATION}, and its ${CLUSTERS_ANNOTATION} annotation names none. Waves show up here once it runs on a cluster of the fleet.`}
      />
    );
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <InfoCard title="Runs on">
        <Box
          display="flex"
          flexWrap="wrap"
          style={{ gap: 8 }}
          component="ul"
          aria-label="Clusters"
          p={0}
          m={0}
        >
          {value.clusters.map(c => (
            <li key={c.clusterId} style={{ listStyle: 'none' }}>
              <Chip size="small" label={c.name} />
            </li>
          ))}
        </Box>
      </InfoCard>
      {value.waves.length === 0 ? (
        <EmptyState
          missing="data"
          title="No wave has touched its clusters yet"
          description="Waves on the clusters it runs on appear here, live, as soon as one starts."
        />
      ) : (
        <WavesTable
          title="Waves on its clusters"
          waves={newestWavesFirst(value.waves)}
        />
      )}
    </Box>
  );
}

/**
 * The tab of a Component: the registered clusters it runs on and the waves that touch them, newest first; live
 * through the fleet's signals.
 */
export function EntityComponentWavesContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(upgradeWavesApiRef);
  const waves = useResource(entityRef, () => api.getComponentWaves(entityRef));
  const refetch = useThrottledRefresh(() => waves.refresh());

  useUpgradeWavesSignal(upgradeWavesSignalChannels.fleet, signal => {
    waves.update(value => ({
      ...value,
      waves: withSignalledStatus(value.waves, signal),
    }));
    refetch();
  });

  return (
    <ResourceView resource={waves}>
      {value => <ComponentWavesView value={value} />}
    </ResourceView>
  );
}
