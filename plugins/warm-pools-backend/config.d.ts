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
    /** The recommended pool size of each pool's detail. */
    sizing?: {
      /**
       * The chance of an empty pool (a session finding no ready warm pod) that the recommended size keeps under,
       * in the Poisson model of the plugin's README. Above 0 and below 1; default 0.01.
       */
      emptyProbabilityTarget?: number;
    };
    /** The pools' history in the plugin's database, for charts. */
    history?: {
      /** One point per pool every this many seconds, a whole number from 1 to 3600; default 10. */
      intervalSeconds?: number;
      /** Points older than this many days are deleted (hourly); default 7. */
      retentionDays?: number;
    };
    /** The list + watch of pods and provisioners on each cluster. */
    watch?: {
      /**
       * A watch that brings no event and no bookmark for this many seconds is taken for hung (a proxy that keeps
       * the connection open and passes nothing), aborted and started again from a fresh list, with a warning in
       * the log. The API server sends a bookmark about every minute; default 180 (three of them).
       */
      idleTimeoutSeconds?: number;
    };
  };
}
