import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Resource, ResourceView } from '@fleetdeck/frontend-common';
import { BlastRadiusEntry } from '@fleetdeck/plugin-upgrade-waves-common';

const TITLE = 'Blast radius';
const SUBTITLE =
  'The catalog Components running on the wave’s clusters, and their owners';

const VIA_LABELS: Record<BlastRadiusEntry['via'][number], string> = {
  'kubernetes-id': 'backstage.io/kubernetes-id label',
  annotation: 'fleetdeck.io/clusters annotation',
};

const columns: TableColumn<BlastRadiusEntry>[] = [
  {
    title: 'Component',
    field: 'entityRef',
    highlight: true,
    render: row => (
      <EntityRefLink
        entityRef={row.entityRef}
        defaultKind="component"
        title={row.title}
      />
    ),
  },
  {
    title: 'Owner',
    field: 'owner',
    render: row =>
      row.owner ? (
        <EntityRefLink entityRef={row.owner} defaultKind="group" />
      ) : (
        <Typography variant="body2" color="textSecondary">
          no owner
        </Typography>
      ),
  },
  {
    title: 'Clusters',
    sorting: false,
    render: row => row.clusters.join(', '),
  },
  {
    title: 'Found by',
    sorting: false,
    render: row => row.via.map(via => VIA_LABELS[via] ?? via).join(', '),
  },
];

/** The table itself, once the blast radius has loaded. */
export function BlastRadiusTable(props: { entries: BlastRadiusEntry[] }) {
  const { entries } = props;
  const many = entries.length > 20;
  return (
    <Table<BlastRadiusEntry>
      title={`${TITLE} (${entries.length})`}
      subtitle={SUBTITLE}
      columns={columns}
      data={entries}
      options={{
        paging: many,
        pageSize: 20,
        search: many,
        padding: 'dense',
        draggable: false,
      }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2" color="textSecondary">
            No catalog Component runs on these clusters.
          </Typography>
        </Box>
      }
    />
  );
}

/** The blast radius with its own progress and error: it loads apart from the wave. */
export function BlastRadiusSection(props: {
  resource: Resource<BlastRadiusEntry[]>;
}) {
  const { resource } = props;
  if (resource.value === undefined) {
    return (
      <InfoCard title={TITLE} subheader={SUBTITLE}>
        <ResourceView resource={resource}>{() => null}</ResourceView>
      </InfoCard>
    );
  }
  return (
    <ResourceView resource={resource}>
      {entries => <BlastRadiusTable entries={entries} />}
    </ResourceView>
  );
}
