import { Entity } from '@backstage/catalog-model';
import {
  WARM_POOL_ANNOTATION,
  getWarmPoolAnnotation,
  isWarmPoolAvailable,
  parseWarmPoolAnnotation,
} from './annotations';

function entity(kind: string, annotation?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name: 'session-service',
      annotations:
        annotation === undefined ? {} : { [WARM_POOL_ANNOTATION]: annotation },
    },
  };
}

describe('isWarmPoolAvailable', () => {
  it('holds for a Component with the annotation, whatever the kind’s case', () => {
    expect(
      isWarmPoolAvailable(entity('Component', 'prod-eu-1/sessions/warm')),
    ).toBe(true);
    expect(
      isWarmPoolAvailable(entity('component', 'prod-eu-1/sessions/warm')),
    ).toBe(true);
  });

  it('holds for a malformed annotation, so that the tab can say what is wrong', () => {
    expect(isWarmPoolAvailable(entity('Component', 'sessions'))).toBe(true);
  });

  it('does not hold without the annotation, with a blank one, or for other kinds', () => {
    expect(isWarmPoolAvailable(entity('Component'))).toBe(false);
    expect(isWarmPoolAvailable(entity('Component', '  '))).toBe(false);
    expect(
      isWarmPoolAvailable(entity('Resource', 'prod-eu-1/sessions/warm')),
    ).toBe(false);
  });
});

describe('parseWarmPoolAnnotation', () => {
  it('reads cluster, namespace and pool, trimmed', () => {
    expect(
      parseWarmPoolAnnotation(' prod-eu-1 / sessions / warm_v2.a '),
    ).toEqual({
      valid: true,
      ref: { cluster: 'prod-eu-1', namespace: 'sessions', pool: 'warm_v2.a' },
      id: 'prod-eu-1/sessions/warm_v2.a',
    });
  });

  it.each([
    ['sessions', /not of the form <cluster>\/<namespace>\/<pool>/],
    ['prod-eu-1/sessions', /not of the form/],
    ['prod-eu-1/sessions/warm/extra', /not of the form/],
    ['prod-eu-1//warm', /not of the form/],
    ['prod eu/sessions/warm', /cluster "prod eu" contains white space/],
    [
      'prod-eu-1/Sessions/warm',
      /"Sessions" is not a Kubernetes namespace name/,
    ],
    [`prod-eu-1/${'n'.repeat(64)}/warm`, /is not a Kubernetes namespace name/],
    ['prod-eu-1/sessions/-warm', /"-warm" cannot be a value of the pool label/],
    ['prod-eu-1/sessions/warm pool', /cannot be a value of the pool label/],
  ])('explains what is wrong with %j', (value, problem) => {
    const parsed = parseWarmPoolAnnotation(value);
    expect(parsed).toEqual({
      valid: false,
      value,
      problem: expect.stringMatching(problem),
    });
  });
});

describe('getWarmPoolAnnotation', () => {
  it('is undefined without the annotation', () => {
    expect(getWarmPoolAnnotation(entity('Component'))).toBeUndefined();
  });
});
