import { useState } from 'react';
import {
  StatusAborted,
  StatusOK,
  StatusPending,
  StatusRunning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { usePermission } from '@backstage/plugin-permission-react';
import { formatTime } from '@fleetdeck/frontend-common';
import {
  PoolId,
  PoolPod,
  PoolPodState,
  warmPoolsPodTerminatePermission,
} from '@fleetdeck/plugin-warm-pools-common';
import { TerminatePodButton, TerminatePodDialog } from '../TerminatePodButton';
import { formatAge } from '../format';

const statusByState: Record<PoolPodState, typeof StatusOK> = {
  'warm-ready': StatusOK,
  'warm-pending': StatusPending,
  assigned: StatusRunning,
  'on-demand': StatusRunning,
};

/** Pods that serve a session; those are the ones worth terminating to watch the pool heal. */
function servesSession(pod: PoolPod): boolean {
  return pod.state === 'assigned' || pod.state === 'on-demand';
}

function ageOf(pod: PoolPod): string {
  const created = Date.parse(pod.createdAt);
  // The age at the time of reading, not of the snapshot; `ageMs` covers an unreadable creation time.
  return formatAge(Number.isNaN(created) ? pod.ageMs : Date.now() - created);
}

const DISABLED_REASON_ID = 'warm-pools-terminate-disabled';

/**
 * The pool's pods with their state, session and age, and a Terminate button for each pod that serves a session.
 * A terminated pod shows as terminating until the list, refetched on the pool's signals, no longer has it.
 */
export function PodsTable(props: { poolId: PoolId; pods: PoolPod[] }) {
  const { poolId, pods } = props;
  const permission = usePermission({
    permission: warmPoolsPodTerminatePermission,
  });
  const [terminating, setTerminating] = useState<ReadonlySet<string>>(
    new Set(),
  );
  const [confirming, setConfirming] = useState<PoolPod>();

  let disabledReason: string | undefined;
  if (permission.loading) {
    disabledReason = 'Checking whether you may terminate pods…';
  } else if (!permission.allowed) {
    disabledReason = `You need the ${warmPoolsPodTerminatePermission.name} permission to terminate pods.`;
  }

  const columns: TableColumn<PoolPod>[] = [
    { title: 'Name', field: 'name', highlight: true },
    {
      title: 'State',
      field: 'state',
      render: pod => {
        if (terminating.has(pod.name)) {
          return <StatusAborted>terminating</StatusAborted>;
        }
        const Status = statusByState[pod.state] ?? StatusAborted;
        return <Status>{pod.state}</Status>;
      },
    },
    {
      title: 'Session',
      field: 'sessionId',
      render: pod => pod.sessionId ?? '—',
    },
    {
      title: 'Age',
      field: 'createdAt',
      render: pod => (
        <span title={formatTime(pod.createdAt)}>{ageOf(pod)}</span>
      ),
    },
    {
      title: 'Actions',
      sorting: false,
      render: pod => {
        if (!servesSession(pod)) return null;
        if (terminating.has(pod.name)) {
          return (
            <Typography variant="body2" color="textSecondary">
              Terminating…
            </Typography>
          );
        }
        return (
          <TerminatePodButton
            pod={pod}
            disabledReason={disabledReason}
            disabledReasonId={DISABLED_REASON_ID}
            onClick={setConfirming}
          />
        );
      },
    },
  ];

  return (
    <>
      {disabledReason && pods.some(servesSession) && (
        <Typography
          id={DISABLED_REASON_ID}
          variant="caption"
          color="textSecondary"
          component="p"
        >
          {disabledReason}
        </Typography>
      )}
      <Table<PoolPod>
        title={`Pods (${pods.length})`}
        columns={columns}
        // material-table writes its bookkeeping into the rows it is given, so it gets copies.
        data={pods.map(pod => ({ ...pod }))}
        options={{
          paging: pods.length > 50,
          pageSize: 50,
          search: pods.length > 10,
        }}
        emptyContent={
          <Typography
            variant="body2"
            color="textSecondary"
            style={{ padding: 16 }}
          >
            The pool has no pods right now.
          </Typography>
        }
      />
      <TerminatePodDialog
        poolId={poolId}
        pod={confirming}
        onClose={() => setConfirming(undefined)}
        onTerminated={terminated => {
          setTerminating(previous => new Set(previous).add(terminated.name));
        }}
      />
    </>
  );
}
