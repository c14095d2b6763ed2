import { useMemo } from 'react';
import {
  CodeSnippet,
  Content,
  ContentHeader,
  EmptyState,
  Header,
  HeaderLabel,
  Page,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ResourceView } from '@fleetdeck/frontend-common';
import { Batch, Wave } from '@fleetdeck/plugin-upgrade-waves-common';
import { LiveFleet, useLiveFleet } from '../../hooks/useLiveFleet';
import { ActiveWavesTable, activeWaves } from '../ActiveWavesTable';
import { BatchCard } from '../BatchCard';
import { StartWaveButton } from '../StartWaveDialog';
import { WaveLink } from '../WavesTable';

const exampleConfig = `upgradeWaves:
  registry:
    clusters:
      - clusterId: test-1
        name: test-1
        batchId: test
        environment: test
        region: eu-west-1
        gitops:
          project: platform/gitops-test
          paths: [clusters/test-1/istio/istiod.yaml]
        istioVersion: 1.22.3
        owners: [group:default/platform]`;

/** What to do when the registry holds no cluster. */
function NoClusters() {
  return (
    <EmptyState
      missing="data"
      title="No clusters registered"
      description="Register a cluster with the istio-upgrade-onboarding template (Create…), or list the clusters under upgradeWaves.registry.clusters in app-config: they are registered when the backend starts. Each cluster names its batch; batches then appear here in rollout order."
      action={
        <Box maxWidth={640}>
          <CodeSnippet
            language="yaml"
            text={exampleConfig}
            showCopyCodeButton
          />
        </Box>
      }
    />
  );
}

/** Shown when the app has no signal API: the page then changes only when reloaded. */
function NotLiveNote() {
  return (
    <Alert severity="info">
      Live updates are off: this app has no signals API (the
      @backstage/plugin-signals frontend plugin). Reload the page to see
      changes.
    </Alert>
  );
}

/** The waves stopped for a person, first on the page: each linked, with why. */
export function NeedsAttentionSummary(props: { waves: Wave[] }) {
  const stopped = useMemo(
    () => props.waves.filter(w => w.status === 'NEEDS_ATTENTION'),
    [props.waves],
  );
  if (stopped.length === 0) return null;
  const title =
    stopped.length === 1
      ? '1 wave needs attention'
      : `${stopped.length} waves need attention`;
  return (
    <Alert severity="error" aria-label={title}>
      <AlertTitle>{title}</AlertTitle>
      <Box component="ul" m={0} pl={2}>
        {stopped.map(w => (
          <li key={w.id}>
            <WaveLink wave={w} />
            {w.attention || w.reason
              ? `: ${w.attention?.reason ?? w.reason}`
              : ''}
          </li>
        ))}
      </Box>
    </Alert>
  );
}

/** The batches in rollout order, each with its active wave. */
function Batches(props: { batches: Batch[]; waves: Wave[] }) {
  const { batches, waves } = props;
  const ordered = useMemo(
    () => [...batches].sort((a, b) => a.order - b.order),
    [batches],
  );
  const activeByBatch = useMemo(() => {
    const byBatch = new Map<string, Wave>();
    // Newest first: a batch shows its latest active wave.
    for (const w of activeWaves(waves)) {
      if (!byBatch.has(w.batchId)) byBatch.set(w.batchId, w);
    }
    return byBatch;
  }, [waves]);

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      {ordered.map((batch, i) => (
        <BatchCard
          key={batch.batchId}
          batch={batch}
          position={i + 1}
          batchCount={ordered.length}
          activeWave={activeByBatch.get(batch.batchId)}
        />
      ))}
    </Box>
  );
}

/** The fleet: the active waves, the Start wave button, and the batches in rollout order. */
export function FleetOverview(props: { fleet: LiveFleet }) {
  const { batches, waves, live } = props.fleet;

  return (
    <ResourceView resource={batches}>
      {value =>
        value.every(b => b.clusters.length === 0) ? (
          <NoClusters />
        ) : (
          <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
            {!live && <NotLiveNote />}
            <NeedsAttentionSummary waves={waves.value ?? []} />
            <ContentHeader title="Fleet">
              <StartWaveButton batches={value} waves={waves.value ?? []} />
            </ContentHeader>
            <ResourceView resource={waves}>
              {list => <ActiveWavesTable waves={list} />}
            </ResourceView>
            <Typography variant="h5" component="h2">
              Batches in rollout order
            </Typography>
            <Batches batches={value} waves={waves.value ?? []} />
          </Box>
        )
      }
    </ResourceView>
  );
}

/** The plugin's landing page: the fleet, live through signals. */
export function FleetPage() {
  const fleet = useLiveFleet();
  return (
    <Page themeId="tool">
      <Header
        title="Upgrade Waves"
        subtitle="Istio across the fleet, batch by batch"
      >
        <HeaderLabel
          label="Updates"
          value={fleet.live ? 'live' : 'on reload'}
        />
      </Header>
      <Content>
        <FleetOverview fleet={fleet} />
      </Content>
    </Page>
  );
}
