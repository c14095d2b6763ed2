import type { ClusterRegistration } from '@fleetdeck/plugin-upgrade-waves-common';
import { z } from 'zod';
import { clusterRegistrationSchema } from './registrationSchema';

/**
 * A cluster name: it fills `{cluster}` in the metric queries (inside a PromQL label matcher) and is the default
 * `kubernetes.clusterLocatorMethods` entry, so it holds no quotes, braces or spaces.
 */
export const CLUSTER_NAME_PATTERN =
  /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** A Datadog `key:value` tag without wildcards, commas or braces: it fills `{tags}` in the Datadog queries. */
export const DATADOG_TAG_PATTERN =
  /^[A-Za-z][A-Za-z0-9_./-]*:[A-Za-z0-9_./-]+$/;

const fields = clusterRegistrationSchema.shape;

/** A field the caller may not set, with the reason as its 400 message. */
const notFromCaller = (message: string) =>
  z.undefined({ invalid_type_error: message }).optional();

/**
 * The body of `POST /clusters` (and of the `fleetdeck:cluster:register` action): only what a person may decide
 * about a cluster. Unknown fields are refused (400 naming them), and so are
 *
 * - `status`: Fleetdeck's own record (PENDING for a new cluster, kept on a re-registration);
 * - `metrics`: free queries could be made to always pass (`vector(0)`); the backend builds them from
 *   `upgradeWaves.metrics.queries` with the cluster's name and Datadog tags, which are validated here;
 * - anything in `access` but the name of a cluster the backend is configured to reach (its
 *   `kubernetes.clusterLocatorMethods` entry or a context of `upgradeWaves.kubeconfig`): no URL, token or CA.
 *   The service checks that the name is configured.
 */
export const clusterRegistrationRequestSchema = clusterRegistrationSchema
  .omit({ status: true, metrics: true })
  .extend({
    name: fields.name.regex(
      CLUSTER_NAME_PATTERN,
      "must be letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
    ),
    access: z
      .object({
        kubernetesClusterName:
          fields.access.removeDefault().shape.kubernetesClusterName,
        kubeconfigContext:
          fields.access.removeDefault().shape.kubeconfigContext,
      })
      .strict()
      .refine(a => !(a.kubernetesClusterName && a.kubeconfigContext), {
        message: 'give kubernetesClusterName or kubeconfigContext, not both',
      })
      .default({}),
    gitops: fields.gitops.strict(),
    datadogTags: z
      .array(
        z
          .string()
          .regex(
            DATADOG_TAG_PATTERN,
            'must be a key:value tag of letters, digits and _ . / - (no wildcards, commas or braces)',
          ),
      )
      .min(1, 'must list at least one tag when given')
      .optional(),
    status: notFromCaller(
      'is set by Fleetdeck (PENDING for a new cluster, kept on a re-registration), not by the caller',
    ),
    metrics: notFromCaller(
      "cannot be given: the backend builds the cluster's metric queries from upgradeWaves.metrics.queries for its name and datadogTags",
    ),
  })
  .strict()
  .superRefine((registration, ctx) => {
    const { datadogTags, name } = registration;
    // Tags scope the Datadog monitors and metrics: they must select this cluster, not another or the fleet.
    if (datadogTags && !datadogTags.some(tag => tag.endsWith(`:${name}`))) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['datadogTags'],
        message: `must include a tag with the cluster's name as its value, e.g. cluster_name:${name}`,
      });
    }
  })
  .transform(
    ({ status: _s, metrics: _m, ...registration }): ClusterRegistration =>
      registration,
  );

/** The query of `POST /clusters`: `dryRun=true` checks the permission and the registration and stores nothing. */
export const registrationQuerySchema = z
  .object({
    dryRun: z
      .enum(['true', 'false'], {
        errorMap: () => ({ message: 'must be true or false' }),
      })
      .optional()
      .transform(value => value === 'true'),
  })
  .strict();
