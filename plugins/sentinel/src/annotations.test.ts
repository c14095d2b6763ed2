import { Entity } from '@backstage/catalog-model';
import {
  SENTINEL_GROUP_ANNOTATION,
  getSentinelGroup,
  isSentinelAvailable,
} from './annotations';

function entity(kind: string, annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'session-api', annotations },
  };
}

describe('isSentinelAvailable', () => {
  it('holds for a Component annotated with its group, whatever the kind’s case', () => {
    expect(
      isSentinelAvailable(
        entity('Component', { [SENTINEL_GROUP_ANNOTATION]: 'sessions' }),
      ),
    ).toBe(true);
    expect(
      isSentinelAvailable(
        entity('component', { [SENTINEL_GROUP_ANNOTATION]: 'sessions' }),
      ),
    ).toBe(true);
  });

  it('does not hold without the annotation, with a blank one, or for other kinds', () => {
    expect(isSentinelAvailable(entity('Component'))).toBe(false);
    expect(
      isSentinelAvailable(
        entity('Component', { [SENTINEL_GROUP_ANNOTATION]: '  ' }),
      ),
    ).toBe(false);
    expect(
      isSentinelAvailable(
        entity('System', { [SENTINEL_GROUP_ANNOTATION]: 'sessions' }),
      ),
    ).toBe(false);
  });
});

describe('getSentinelGroup', () => {
  it('reads the group name, trimmed', () => {
    expect(
      getSentinelGroup(
        entity('Component', { [SENTINEL_GROUP_ANNOTATION]: ' sessions ' }),
      ),
    ).toBe('sessions');
  });
});
