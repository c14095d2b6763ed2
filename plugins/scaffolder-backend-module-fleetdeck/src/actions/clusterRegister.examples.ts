import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { templateExample } from './templateExample';

const step = (input: object) => ({
  id: 'register-cluster',
  name: 'Register the cluster',
  action: 'fleetdeck:cluster:register',
  input,
});

const minimal = {
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
};

export const examples: TemplateExample[] = [
  templateExample(
    'Register a cluster reached through its kubernetes entry',
    step(minimal),
  ),
  templateExample(
    'Register an AWS cluster with a kubeconfig context and Datadog tags (metric queries come from the backend config)',
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
      datadogTags: ['cluster_name:prod-eu-1', 'env:prod'],
    }),
  ),
];

export const checkExamples: TemplateExample[] = [
  templateExample(
    'Check, before opening a merge request with the server token, that the user may register the cluster',
    {
      id: 'check-registration',
      name: 'Check the cluster registration',
      action: 'fleetdeck:cluster:check-registration',
      input: minimal,
    },
  ),
];
