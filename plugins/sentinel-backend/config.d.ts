export interface Config {
  /** Fleetdeck Redis Sentinel: topology, failovers, replica lag and session-store shape of Sentinel groups (seed 004). */
  sentinel?: {
    /** The Sentinel groups to watch; each backend instance keeps connections to every sentinel of every group. */
    groups?: Array<{
      /** Unique name of the group, used in routes and signals (`sentinel:group:<name>`). */
      name: string;
      /** The name the sentinels monitor the master under (`sentinel monitor <masterName> …`). */
      masterName: string;
      /** The sentinels, as `host:port` (IPv6 as `[::1]:26379`). */
      sentinels: string[];
      /**
       * Credentials for the master and replicas (`requirepass`, or an ACL user allowed `INFO`, `DBSIZE`, `SCAN`
       * and `TTL`). Take the password from the environment, e.g. `password: ${REDIS_PASSWORD}`.
       */
      auth?: {
        username?: string;
        /** @visibility secret */
        password: string;
      };
      /** Credentials for the sentinels, when they have a `requirepass` of their own. */
      sentinelAuth?: {
        username?: string;
        /** @visibility secret */
        password: string;
      };
      /**
       * TLS for every connection of the group (sentinels and nodes): `true` for TLS with the system's trusted
       * CAs, or the PEM material. Default: no TLS.
       */
      tls?:
        | boolean
        | {
            /** PEM of the CA that signed the servers' certificates. */
            ca?: string;
            /** PEM client certificate, for servers with `tls-auth-clients yes`. */
            cert?: string;
            /**
             * PEM private key of the client certificate.
             * @visibility secret
             */
            key?: string;
            /** Verify the servers' certificates. Default true. */
            rejectUnauthorized?: boolean;
          };
    }>;
    /** How often the sentinels and nodes are polled, in milliseconds. Default 5000. Sentinel events trigger a poll at once. */
    pollIntervalMs?: number;
    /** Deadline of each Redis command and connection attempt, in milliseconds. Default 2000. */
    commandTimeoutMs?: number;
    /** Reconnection to unreachable sentinels and nodes: exponential backoff with jitter. */
    reconnect?: {
      /** Default 500. */
      minDelayMs?: number;
      /** Default 30000. */
      maxDelayMs?: number;
    };
    /** The replica-lag time series. */
    lag?: {
      /** One stored sample per replica per interval, in milliseconds. Default 10000. */
      sampleIntervalMs?: number;
      /** Samples older than this are deleted (hourly). Default 7. */
      retentionDays?: number;
    };
    /** Sampling of the session-store key families (`session:*`, `user_sessions:*`, `refresh_token:*`, `deletion_token:*`). */
    sessionStore?: {
      /** Default true. */
      enabled?: boolean;
      /** How often a sample is taken, in milliseconds. Default 60000. */
      intervalMs?: number;
      /** Most Redis commands (DBSIZE, SCAN, TTL) sampling may send to a group per minute. Default 600. */
      commandsPerMinute?: number;
      /** Most keys looked at per sample. Default 1000. */
      sampleKeys?: number;
      /** COUNT hint of each SCAN. Default 100. */
      scanCount?: number;
    };
    failover?: {
      /** How long `POST …/failover` waits for a sentinel to report the failover under way, in milliseconds. Default 10000. */
      confirmTimeoutMs?: number;
      /** A failover with no event for this long is closed (completed if the master switched, else timed out). Default 300000. */
      staleAfterMs?: number;
      /**
       * How often each backend instance reconciles the failover records not ended yet (its own from before a
       * restart, and other instances') with what the sentinels report (master, configuration epoch, failover
       * in progress), in milliseconds; also done on start. Default 60000.
       */
      reconcileIntervalMs?: number;
    };
  };
}
