export interface Config {
  /** Fleetdeck warm pools (seed 003). Clusters come from `kubernetes.clusterLocatorMethods`. */
  warmPools?: {
    /** The label keys that mark pool pods; seed 003's by default. */
    labels?: {
      /** Names the pool a pod belongs to. Default `pool`. */
      pool?: string;
      /** `true` once a pod is handed to a session, `false` while it waits warm. Default `assigned`. */
      assigned?: string;
      /** The session an assigned pod serves. Default `session-id`. */
      sessionId?: string;
    };
    /**
     * Target sizes, overriding the `fleetdeck.io/warm-pool-target` annotation of the pool's provisioner.
     */
    targets?: Array<{
      cluster: string;
      namespace: string;
      pool: string;
      size: number;
    }>;
  };
}
