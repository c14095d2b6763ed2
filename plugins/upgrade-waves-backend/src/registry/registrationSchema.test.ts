import { clusterRegistrationSchema } from './registrationSchema';

const minimal = {
  clusterId: 'eks-prod-eu-1',
  name: 'prod-eu-1',
  batchId: 'prod-wave-1',
  environment: 'prod',
  region: 'eu-west-1',
  gitops: { project: 'platform/gitops-prod', paths: ['istio/istiod.yaml'] },
  istioVersion: '1.23.4',
  owners: ['group:default/platform'],
};

const issuePaths = (input: object) => {
  const result = clusterRegistrationSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map(i => i.path.join('.'));
};

describe('clusterRegistrationSchema', () => {
  it('accepts a minimal registration, defaulting access and dropping unknown keys', () => {
    expect(
      clusterRegistrationSchema.parse({ ...minimal, updatedAt: 'yesterday' }),
    ).toEqual({ ...minimal, access: {} });
  });

  it.each(['a', '0', 'eks-prod-eu-1', 'a'.repeat(63)])(
    'accepts the cluster id %s',
    clusterId => {
      expect(issuePaths({ ...minimal, clusterId })).toEqual([]);
    },
  );

  it.each(['', '-a', 'a-', 'Eks', 'eks_prod', 'eks.prod', 'a'.repeat(64)])(
    'rejects the cluster id %j',
    clusterId => {
      expect(issuePaths({ ...minimal, clusterId })).toEqual(['clusterId']);
    },
  );

  it.each(['1.24.2', '1.25.0-beta.1', '10.0.0-rc-2'])(
    'accepts the Istio version %s',
    istioVersion => {
      expect(issuePaths({ ...minimal, istioVersion })).toEqual([]);
    },
  );

  it.each(['1.24', 'v1.24.2', '1.24.2-', '1.24.2+build', 'latest'])(
    'rejects the Istio version %j',
    istioVersion => {
      expect(issuePaths({ ...minimal, istioVersion })).toEqual([
        'istioVersion',
      ]);
    },
  );

  it('reports every missing required field', () => {
    expect(issuePaths({}).sort()).toEqual(
      [
        'batchId',
        'clusterId',
        'environment',
        'gitops',
        'istioVersion',
        'name',
        'owners',
        'region',
      ].sort(),
    );
  });
});
