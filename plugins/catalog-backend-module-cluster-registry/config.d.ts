import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The clusters of Fleetdeck's upgrade-waves registry as `Resource` entities
       * (`@fleetdeck/plugin-catalog-backend-module-cluster-registry`).
       */
      fleetdeckClusterRegistry?: {
        /**
         * How often the registry is read again. Registry changes also refresh at once through the
         * `fleetdeck.upgrade-waves.registry` event; this schedule catches anything those missed.
         * Default: every 30 seconds, timeout 1 minute.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * Entity ref of the owner of clusters whose registry record lists no owners.
         * Default: `group:default/platform`.
         */
        defaultOwner?: string;
        /**
         * Entity ref of a System to set as `spec.system` of every cluster Resource, e.g.
         * `system:default/kubernetes-fleet`. Not set by default.
         */
        system?: string;
      };
    };
  };
}
