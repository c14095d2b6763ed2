import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { templateExample } from './templateExample';

const step = (input: object) => ({
  id: 'register-cluster',
  name: 'Register the cluster',
  action: 'fleetdeck:cluster:register',
  input,
});

export const examples: TemplateExample[] = [
  templateExample(
    'Register a cluster reached through its kubernetes entry',
    step({
      clusterId: 'dev-eu-1',
      name: 'dev-eu-1',
      batchId: 'dev-wave-1',
      environment: 'dev',
      region: 'eu-west-1',
      gitops: {
        project: 'platform/gitops-dev',
        paths: [
          'clusters/dev-eu-1/istio/base.yaml',
          'clusters/dev-eu-1/istio/istiod.yaml',
          'clusters/dev-eu-1/istio/gateway.yaml',
        ],
      },
      istioVersion: '1.23.4',
      owners: ['group:default/platform'],
    }),
  ),
  templateExample(
    'Register an AWS cluster with a kubeconfig context, metric queries and Datadog tags',
    step({
      clusterId: 'prod-eu-1',
      name: 'prod-eu-1',
      batchId: 'prod-wave-1',
      environment: 'prod',
      region: 'eu-west-1',
      account: '123456789012',
      roleArn: 'arn:aws:iam::123456789012:role/fleetdeck-upgrader',
      access: { kubeconfigContext: 'prod-eu-1' },
      gitops: {
        project: 'platform/gitops-prod',
        branch: 'main',
        paths: [
          'clusters/prod-eu-1/istio/base.yaml',
          'clusters/prod-eu-1/istio/istiod.yaml',
        ],
      },
      istioVersion: '1.23.4',
      istioRevision: '1-23-4',
      owners: ['group:default/platform', 'user:default/oncall'],
      metrics: {
        requestRate: 'sum(rate(istio_requests_total{cluster="{cluster}"}[5m]))',
        errorRate:
          'sum(rate(istio_requests_total{cluster="{cluster}",response_code=~"5.."}[5m])) / sum(rate(istio_requests_total{cluster="{cluster}"}[5m]))',
        latencyP95Ms:
          'histogram_quantile(0.95, sum(rate(istio_request_duration_milliseconds_bucket{cluster="{cluster}"}[5m])) by (le))',
      },
      datadogTags: ['cluster_name:prod-eu-1', 'env:prod'],
    }),
  ),
];
