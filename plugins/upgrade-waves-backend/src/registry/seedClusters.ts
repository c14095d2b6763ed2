import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { clusterRegistrationSchema } from './registrationSchema';
import { ClusterRegistry } from './types';

const CLUSTERS_KEY = 'upgradeWaves.registry.clusters';

/**
 * Registers the clusters listed in `upgradeWaves.registry.clusters` that the registry does not have yet, as PENDING.
 * A cluster already in the registry is left as it is: once in, the registry (where waves record status and
 * version) is the source of truth, not the config. Every entry is validated before anything is written.
 */
export async function seedClusters(
  registry: ClusterRegistry,
  config: Config,
  logger: LoggerService,
): Promise<{ added: string[]; existing: string[] }> {
  const registrations = readRegistrations(config);
  const added: string[] = [];
  const existing: string[] = [];
  for (const registration of registrations) {
    if (await registry.get(registration.clusterId)) {
      existing.push(registration.clusterId);
      continue;
    }
    await registry.put({
      ...registration,
      status: registration.status ?? 'PENDING',
    });
    added.push(registration.clusterId);
  }
  if (registrations.length > 0) {
    const names = added.length ? ` (${added.join(', ')})` : '';
    logger.info(
      `Seeded ${added.length} cluster(s) from ${CLUSTERS_KEY}${names}; ${existing.length} already registered and left unchanged`,
    );
  }
  return { added, existing };
}

/** A cluster as the operator lists it: the fields of a registration, and its own metric queries if any. */
type ConfiguredCluster = z.output<typeof clusterRegistrationSchema>;

function readRegistrations(config: Config): ConfiguredCluster[] {
  const entries = config.getOptional(CLUSTERS_KEY);
  if (entries === undefined) return [];
  if (!Array.isArray(entries)) {
    throw new InputError(`Invalid ${CLUSTERS_KEY}: must be a list of clusters`);
  }

  const firstIndexById = new Map<string, number>();
  return entries.map((entry, index) => {
    const result = clusterRegistrationSchema.safeParse(entry);
    if (!result.success) {
      throw new InputError(
        result.error.issues
          .map(issue => describeIssue(`${CLUSTERS_KEY}[${index}]`, issue))
          .join('; '),
      );
    }
    const { clusterId } = result.data;
    const first = firstIndexById.get(clusterId);
    if (first !== undefined) {
      throw new InputError(
        `Invalid ${CLUSTERS_KEY}[${index}].clusterId: '${clusterId}' is already used by ${CLUSTERS_KEY}[${first}]`,
      );
    }
    firstIndexById.set(clusterId, index);
    return result.data;
  });
}

function describeIssue(prefix: string, issue: z.ZodIssue): string {
  const field = issue.path
    .map(part => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('');
  return `Invalid ${prefix}${field}: ${issue.message}`;
}
