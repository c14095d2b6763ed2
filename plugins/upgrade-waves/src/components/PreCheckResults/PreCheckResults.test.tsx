import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { CheckResult } from '@fleetdeck/plugin-upgrade-waves-common';
import { waveDetail } from '../../__testUtils__/fixtures';
import { PreCheckResults } from './PreCheckResults';

const { clusters, checks } = waveDetail();

const postCheck: CheckResult = {
  clusterId: 'test-2',
  check: 'metric-comparison',
  phase: 'post',
  outcome: 'failed',
  message: 'error rate 2.0 % above the limit 1.2 %',
  detail: { errorRate: 0.02, limit: 0.012 },
  durationMs: 2400,
  at: '2026-11-29T10:20:00.000Z',
};

describe('PreCheckResults', () => {
  it('groups checks by cluster and phase, and expands one to its detail', async () => {
    await renderInTestApp(
      <PreCheckResults
        clusters={clusters}
        checks={[
          ...checks,
          postCheck,
          {
            ...postCheck,
            check: 'istio-proxies',
            outcome: 'skipped',
            message: 'not reached',
            detail: undefined,
          },
        ]}
      />,
    );

    const testOne = within(
      screen.getByRole('region', { name: 'Checks on test-1' }),
    );
    expect(testOne.queryByText('After the soak (post-checks)')).toBeNull();
    const testTwo = within(
      screen.getByRole('region', { name: 'Checks on test-2' }),
    );
    expect(
      testTwo.getByText('Before the upgrade (pre-checks)'),
    ).toBeInTheDocument();
    expect(
      testTwo.getByText('After the soak (post-checks)'),
    ).toBeInTheDocument();
    expect(testTwo.getByText('failed')).toBeInTheDocument();
    expect(testTwo.getAllByText('2.4 s')).toHaveLength(2);

    await userEvent.click(
      testTwo.getByRole('button', { name: /metric-comparison/ }),
    );
    expect(
      await testTwo.findByLabelText('Detail of metric-comparison'),
    ).toHaveTextContent('"limit": 0.012');

    await userEvent.click(
      testTwo.getByRole('button', { name: /istio-proxies/ }),
    );
    expect(await testTwo.findByText('No detail recorded.')).toBeInTheDocument();
  });

  it('says when no check has run', async () => {
    await renderInTestApp(<PreCheckResults clusters={clusters} checks={[]} />);
    expect(screen.getByText('No checks have run yet.')).toBeInTheDocument();
  });
});
