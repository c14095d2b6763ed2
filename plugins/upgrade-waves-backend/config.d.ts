export interface Config {
  /** Fleetdeck upgrade waves: progressive Istio upgrades across the fleet (seed 002, GUARD). */
  upgradeWaves?: {
    /** The cluster registry. */
    registry?: {
      /** Where clusters are stored: the backend's own database (default) or a DynamoDB table. */
      store?: 'database' | 'dynamodb';
      dynamodb?: {
        /** Default `guard-cluster-registry` (primary key `cluster_id`, GSI `batch_id-index`). */
        tableName?: string;
        region?: string;
        /** A DynamoDB-compatible endpoint, e.g. a local one; AWS's when absent. */
        endpoint?: string;
        /** Static credentials; the AWS default provider chain when absent. */
        credentials?: {
          accessKeyId: string;
          /** @visibility secret */
          secretAccessKey: string;
        };
      };
      /**
       * Clusters registered at startup when the registry does not have them yet. Once registered, the registry
       * (not this list) is the source of truth.
       */
      clusters?: Array<{
        clusterId: string;
        name: string;
        batchId: string;
        environment: string;
        region: string;
        account?: string;
        roleArn?: string;
        access?: {
          /** The entry in `kubernetes.clusterLocatorMethods` to use; the cluster's name by default. */
          kubernetesClusterName?: string;
          /** A context of the kubeconfig file in `upgradeWaves.kubeconfig`. */
          kubeconfigContext?: string;
        };
        gitops: {
          /** GitLab project path of the Flux repository. */
          project: string;
          branch?: string;
          /** The Istio HelmRelease files (base, istiod, gateways). */
          paths: string[];
        };
        istioVersion: string;
        istioRevision?: string;
        /** Entity refs of the owners. */
        owners?: string[];
        /**
         * This cluster's own queries, in place of `upgradeWaves.metrics.queries`. Only here, in the operator's
         * config: `POST /clusters` and the scaffolder actions cannot set them, and a re-registration keeps them.
         */
        metrics?: {
          requestRate?: string;
          errorRate?: string;
          latencyP95Ms?: string;
        };
        /** Datadog `key:value` tags filling `{tags}`; the default is `cluster_name:<name>`. */
        datadogTags?: string[];
      }>;
    };
    /** Batches in rollout order, e.g. test, dev-wave-1, staging, prod-wave-1. */
    batches?: Array<{
      id: string;
      /** Soak for this batch, overriding `soakSeconds`. */
      soakSeconds?: number;
    }>;
    /** How long a wave soaks before it is validated. Default 3600 (60 minutes). */
    soakSeconds?: number;
    /** GUARD's ValidationThresholds. */
    thresholds?: {
      /** Largest allowed error-rate increase as an absolute fraction. Default 0.01 (one percentage point). */
      maxErrorRateIncrease?: number;
      /** Largest allowed p95 latency increase in percent. Default 20. */
      maxLatencyIncreasePercent?: number;
      /** Minimum requests per second for a meaningful comparison. Default 1. */
      minRequestRate?: number;
    };
    approval?: {
      /** Let the person who started a wave approve it. Default false (four-eyes). */
      allowSelfApproval?: boolean;
      /** Entity refs notified when a wave awaits approval. */
      approvers?: string[];
      /**
       * Count a merge done in GitLab, without an approval in Fleetdeck, as the wave's approval. Default false: such a
       * merge is recorded with the GitLab user and the wave stops in NEEDS_ATTENTION until someone other than its
       * starter approves it in the portal, or it is rolled back. Either way the audit log names the GitLab user.
       */
      gitlabMergeApproves?: boolean;
    };
    /**
     * After how many failed attempts in a row of one step (GitLab or a cluster unreachable, 5xx, timeouts) the wave
     * stops in NEEDS_ATTENTION with the last error, and its starter and owners are notified. Failures that waiting
     * will not mend (GitLab refusing a merge, a closed merge request) stop it at once. Default 10.
     */
    attentionAfterFailures?: number;
    /**
     * `auto` (default): an approval merges the MR (the wave goes through MERGING, after which it can no longer be
     * cancelled, only rolled back). `manual`: the wave waits for a merge done in GitLab after the approval.
     */
    mergeMode?: 'auto' | 'manual';
    rollback?: {
      /** Merge rollback MRs automatically. Default true. */
      autoMerge?: boolean;
    };
    /** How long istiod may take to reach the target version after the merge. Default 900. */
    istiodTimeoutSeconds?: number;
    /** How often the orchestrator runs. Default 2 seconds. */
    orchestratorFrequencySeconds?: number;
    /**
     * How long a replica's claim on a wave lasts without renewal, default 30 seconds; the replica driving a wave
     * renews it every third of that. After a crash, another replica (or the restarted one) resumes the wave
     * once the claim has run out.
     */
    orchestratorTimeoutSeconds?: number;
    gitlab?: {
      /** Host of the `integrations.gitlab` entry to use (its token is used); the first entry by default. */
      host?: string;
      /**
       * GitLab requests per minute, retries included, of all replicas together (the budget is kept in the
       * plugin's database, per GitLab host). Default 600.
       */
      requestsPerMinute?: number;
      /**
       * How finely the rate is enforced: at most requestsPerMinute × window / 60 requests start in any
       * window of this many seconds. Default 60; shorter windows smooth bursts.
       */
      rateLimitWindowSeconds?: number;
      /** Attempts per call on 429 / 5xx. Default 6. */
      maxAttempts?: number;
      /**
       * The longest one GitLab call waits for the rate limiter or for a `Retry-After` GitLab sent, in seconds;
       * default 60. A call that would wait longer fails at once with a retryable 503 saying until when GitLab
       * is waited for, and no replica sends GitLab a request before then.
       */
      maxWaitSeconds?: number;
    };
    /**
     * How long each request to a remote system may take before it is abandoned and reported as a retryable
     * 503 naming the host and the action. Waits in the GitLab rate limiter are not counted.
     */
    timeouts?: {
      /** One HTTP request to GitLab, in milliseconds. Default 30000. */
      gitlabMs?: number;
      /** One request to a cluster's Kubernetes API, in milliseconds. Default 30000. */
      kubernetesMs?: number;
      /** One request to Prometheus, Alertmanager or Datadog, in milliseconds. Default 15000. */
      metricsMs?: number;
      /** One DynamoDB call of the cluster registry, its SDK retries included, in milliseconds. Default 10000. */
      dynamodbMs?: number;
    };
    checks?: {
      /** Checks in flight at once across clusters. Default 10. */
      concurrency?: number;
      /** Per-check timeout. Default 30. */
      timeoutSeconds?: number;
      istioctl?: {
        /** Path of an istioctl binary; without it, Istio analysis checks webhooks and CRDs through the API. */
        path?: string;
      };
    };
    restart?: {
      /** Workloads restarted at once per cluster. Default 5. */
      concurrency?: number;
    };
    /** A kubeconfig file for clusters reached by context. */
    kubeconfig?: string;
    prometheus?: { url: string };
    alertmanager?: { url: string };
    alerts?: { provider?: 'prometheus' | 'datadog' };
    metrics?: {
      provider?: 'prometheus' | 'datadog';
      /**
       * The queries of every cluster registered through `POST /clusters`: `{cluster}` is replaced by the cluster
       * name, `{tags}` by its Datadog tags. Scope each query with them, so that it reads that cluster's series.
       */
      queries?: {
        requestRate?: string;
        errorRate?: string;
        latencyP95Ms?: string;
      };
    };
    datadog?: {
      /** Default https://api.datadoghq.com */
      apiUrl?: string;
      /** @visibility secret */
      apiKey?: string;
      /** @visibility secret */
      appKey?: string;
    };
  };
}
