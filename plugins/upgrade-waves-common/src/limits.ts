/*
 * How long the values that the upgrade-waves backend stores may be. Its tables keep them in varchar(255) columns,
 * which PostgreSQL refuses to overfill (SQLite does not care), so the routes and the scaffolder actions check
 * these lengths first and answer a longer value with a 400 that names the field.
 */

/** A cluster id is a DNS label: it ends up in branch names, entity names and URLs. */
export const CLUSTER_ID_MAX_LENGTH = 63;

/**
 * A batch id. With an Istio version it makes the wave's branch and merge request title
 * (`feature/istio-{version}-{batchId}`), which must fit their columns too.
 */
export const BATCH_ID_MAX_LENGTH = 100;

/** An Istio version, `1.25.0-beta.1`. */
export const ISTIO_VERSION_MAX_LENGTH = 64;

/** Any other registry field kept in a column of its own: name, environment, region, account, revision, GitOps project and branch. */
export const CLUSTER_FIELD_MAX_LENGTH = 255;

/** A person's comment on a wave action, and the reason a wave runs (kept as text, bounded to stay readable). */
export const WAVE_COMMENT_MAX_LENGTH = 2000;
