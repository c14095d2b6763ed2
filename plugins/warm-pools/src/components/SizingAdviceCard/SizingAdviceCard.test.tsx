import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { poolDetail } from '../../__testUtils__/fixtures';
import { SizingAdviceCard } from './SizingAdviceCard';
import { group } from '../../__testUtils__/queries';

const { advice } = poolDetail;

describe('SizingAdviceCard', () => {
  it('puts the recommended size beside the current target, with the numbers behind it', async () => {
    await renderInTestApp(<SizingAdviceCard advice={advice} />);

    expect(group('Current target').getByText('4')).toBeInTheDocument();
    expect(group('Recommended').getByText('6')).toBeInTheDocument();
    expect(screen.getByText('Raise the target to 6.')).toBeInTheDocument();
    expect(screen.getByText('1.50 / min')).toBeInTheDocument();
    expect(screen.getByText('18.0 s (time to Ready, p90)')).toBeInTheDocument();
    expect(screen.getByText('3.4 % at the current target')).toBeInTheDocument();
    expect(
      screen.getByText(
        'The smallest pool whose chance of running empty is at most 1.0 %',
      ),
    ).toBeInTheDocument();
  });

  it.each([
    [{ recommendedTarget: 3 }, 'The target could drop to 3.'],
    [{ recommendedTarget: 4 }, 'The current target is right.'],
    [{ currentTarget: undefined }, 'Set a target of 6.'],
  ])('advises %j as “%s”', async (change, verdict) => {
    await renderInTestApp(
      <SizingAdviceCard advice={{ ...advice, ...change }} />,
    );
    expect(screen.getByText(verdict)).toBeInTheDocument();
  });

  it('gives the reason when there is not enough data', async () => {
    await renderInTestApp(
      <SizingAdviceCard
        advice={{
          currentTarget: 4,
          arrivalRatePerMinute: 0,
          emptyProbabilityTarget: 0.01,
          reason: 'no session observed yet',
        }}
      />,
    );

    expect(
      screen.getByText('No recommendation yet: no session observed yet'),
    ).toBeInTheDocument();
    expect(group('Recommended').getByText('—')).toBeInTheDocument();
    expect(screen.queryByText(/Raise|drop|right/)).not.toBeInTheDocument();
  });
});
