import {
  Content,
  EmptyState,
  Header,
  HeaderLabel,
  LinkButton,
  Page,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { isNotFound } from '@fleetdeck/frontend-common';
import { PoolRef, poolIdOf } from '@fleetdeck/plugin-warm-pools-common';
import { useLivePool } from '../../hooks/useLivePool';
import { rootRouteRef } from '../../routes';
import { PoolDashboard } from '../PoolDashboard';
import { poolHealth, readyText } from '../PoolHealthChip';

/** One pool's page, live. */
export function PoolPage(props: { pool: PoolRef }) {
  const { cluster, namespace, pool } = props.pool;
  const id = poolIdOf(props.pool);
  const overviewLink = useRouteRef(rootRouteRef);
  const live = useLivePool(id);
  const detail = live.detail.value;

  return (
    <Page themeId="tool">
      <Header
        title={pool}
        subtitle={`Warm pool in namespace ${namespace} of cluster ${cluster}`}
        type="Warm Pools"
        typeLink={overviewLink()}
      >
        {detail && <HeaderLabel label="Health" value={poolHealth(detail)} />}
        {detail && <HeaderLabel label="Warm ready" value={readyText(detail)} />}
      </Header>
      <Content>
        {!detail && isNotFound(live.detail.error) ? (
          <EmptyState
            missing="data"
            title={`No warm pool ${id}`}
            description="The backend sees no pods of this pool: check the cluster name (as under kubernetes.clusterLocatorMethods), the namespace, and the value of the pods' pool label."
            action={
              <LinkButton to={overviewLink()} variant="contained">
                All pools
              </LinkButton>
            }
          />
        ) : (
          <PoolDashboard poolId={id} live={live} />
        )}
      </Content>
    </Page>
  );
}
