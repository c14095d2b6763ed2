import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { GroupHealthChip } from './GroupHealthChip';

describe('GroupHealthChip', () => {
  it.each(['healthy', 'degraded', 'down', 'unknown'] as const)(
    'names the %s state',
    async health => {
      await renderInTestApp(<GroupHealthChip health={health} />);
      expect(screen.getByTestId(`health-${health}`)).toHaveTextContent(health);
    },
  );
});
