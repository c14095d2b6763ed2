import {
  ContentHeader,
  EmptyState,
  LinkButton,
  MissingAnnotationEmptyState,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { isNotFound } from '@fleetdeck/frontend-common';
import { PoolRef } from '@fleetdeck/plugin-warm-pools-common';
import { WARM_POOL_ANNOTATION, getWarmPoolAnnotation } from '../../annotations';
import { useLivePool } from '../../hooks/useLivePool';
import { poolRouteRef } from '../../routes';
import { PoolDashboard } from '../PoolDashboard';

/** A link to the pool page, when the app has mounted it; the entity tab works without. */
function usePoolPageLink(): ((pool: PoolRef) => string) | undefined {
  try {
    const link = useRouteRef(poolRouteRef);
    return pool => link({ ...pool });
  } catch {
    return undefined;
  }
}

function EntityPool(props: { pool: PoolRef; id: string }) {
  const { pool, id } = props;
  const poolPageLink = usePoolPageLink();
  const live = useLivePool(id);

  if (!live.detail.value && isNotFound(live.detail.error)) {
    return (
      <EmptyState
        missing="field"
        title={`The warm-pools backend sees no pool ${id}`}
        description={`Check the ${WARM_POOL_ANNOTATION} annotation: the cluster as named under kubernetes.clusterLocatorMethods, the namespace, and the value of the pods' pool label.`}
      />
    );
  }

  return (
    <>
      <ContentHeader title={`Warm pool ${pool.pool}`} description={id}>
        {poolPageLink && (
          <LinkButton to={poolPageLink(pool)} variant="outlined">
            Open pool page
          </LinkButton>
        )}
      </ContentHeader>
      <PoolDashboard poolId={id} live={live} />
    </>
  );
}

/** The entity tab: the pool named by the entity's `fleetdeck.io/warm-pool` annotation, live. */
export function EntityWarmPoolContent() {
  const { entity } = useEntity();
  const annotation = getWarmPoolAnnotation(entity);
  if (!annotation) {
    return <MissingAnnotationEmptyState annotation={WARM_POOL_ANNOTATION} />;
  }
  if (!annotation.valid) {
    return (
      <EmptyState
        missing="field"
        title={`The ${WARM_POOL_ANNOTATION} annotation is malformed`}
        description={`${annotation.problem} It should name the pool as <cluster>/<namespace>/<pool>: the cluster as under kubernetes.clusterLocatorMethods, the pods' namespace, and the value of their pool label.`}
      />
    );
  }
  return <EntityPool pool={annotation.ref} id={annotation.id} />;
}
