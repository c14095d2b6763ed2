import {
  EmptyState,
  InfoCard,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  formatTime,
  isNotFound,
  ResourceView,
  useResource,
  useThrottledRefresh,
} from '@fleetdeck/frontend-common';
import {
  Cluster,
  upgradeWavesSignalChannels,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { CLUSTER_ID_ANNOTATION, getClusterId } from '../../annotations';
import { upgradeWavesApiRef } from '../../api';
import { withSignalledStatus } from '../../hooks/useLiveFleet';
import { useUpgradeWavesSignal } from '../../hooks/useUpgradeWavesSignal';
import { ClusterStatusChip } from '../StatusChip';
import { newestWavesFirst, WavesTable } from '../WavesTable';

const sameTitles = { titleFormat: (key: string) => key };

function CurrentState(props: { cluster: Cluster }) {
  const { cluster } = props;
  return (
    <section aria-label="Current state">
      <InfoCard title="Current state">
        <StructuredMetadataTable
          options={sameTitles}
          metadata={{
            Cluster: cluster.name,
            Batch: cluster.batchId,
            'Istio version': cluster.istioRevision
              ? `${cluster.istioVersion} (revision ${cluster.istioRevision})`
              : cluster.istioVersion,
            Status: <ClusterStatusChip status={cluster.status} />,
            Environment: cluster.environment,
            Region: cluster.region,
            Updated: formatTime(cluster.updatedAt),
          }}
        />
      </InfoCard>
    </section>
  );
}

/**
 * The tab of a cluster Resource: the cluster's state in the upgrade-waves registry and the waves that upgraded
 * it, newest first; live through the fleet's signals.
 */
export function EntityClusterUpgradesContent() {
  const { entity } = useEntity();
  const clusterId = getClusterId(entity);
  const api = useApi(upgradeWavesApiRef);
  const cluster = useResource(`cluster:${clusterId}`, () =>
    api.getCluster(clusterId),
  );
  const waves = useResource(`waves:${clusterId}`, () =>
    api.listWaves({ clusterId }),
  );
  const refetch = useThrottledRefresh(() => {
    cluster.refresh();
    waves.refresh();
  });

  useUpgradeWavesSignal(upgradeWavesSignalChannels.fleet, signal => {
    waves.update(list => withSignalledStatus(list, signal));
    // A step on another cluster does not change this one; a wave's own transitions may.
    if (signal.clusterId === undefined || signal.clusterId === clusterId) {
      refetch();
    }
  });

  if (!cluster.value && isNotFound(cluster.error)) {
    return (
      <EmptyState
        missing="data"
        title={`Cluster ${clusterId} is not in the upgrade-waves registry`}
        description={`This entity names the cluster ${clusterId} (its ${CLUSTER_ID_ANNOTATION} annotation, else its name), but the registry has no such cluster. Register it with the istio-upgrade-onboarding template to upgrade it in waves.`}
      />
    );
  }

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <ResourceView resource={cluster}>
        {value => <CurrentState cluster={value} />}
      </ResourceView>
      <ResourceView resource={waves}>
        {list => (
          <WavesTable
            title="Upgrade history"
            waves={newestWavesFirst(list)}
            emptyContent={
              <Box p={2}>
                <Typography color="textSecondary">
                  No wave has upgraded this cluster yet.
                </Typography>
              </Box>
            }
          />
        )}
      </ResourceView>
    </Box>
  );
}
