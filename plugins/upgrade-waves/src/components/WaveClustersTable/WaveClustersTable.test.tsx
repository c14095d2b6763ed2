import { act, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { soakingWave } from '../../__testUtils__/waveFixtures';
import { WaveClustersTable } from './WaveClustersTable';

afterEach(() => jest.useRealTimers());

describe('WaveClustersTable', () => {
  it('shows state, time in state (ticking), restart progress and message', async () => {
    const now = Date.parse('2026-11-29T10:02:05.000Z');
    jest.useFakeTimers({ now, advanceTimers: true });
    await renderInTestApp(
      <WaveClustersTable clusters={soakingWave(now).clusters} />,
    );

    const row = (name: string) => within(screen.getByText(name).closest('tr')!);
    expect(screen.getByText('Clusters (2)')).toBeInTheDocument();
    // in state since 10:00:10
    expect(row('test-1').getByText('1 min 55 s')).toBeInTheDocument();
    expect(row('test-1').getByText('post check running')).toBeInTheDocument();
    expect(row('test-2').getByText('upgrading')).toBeInTheDocument();
    expect(row('test-2').getByText('3 of 8 workloads')).toBeInTheDocument();
    expect(
      row('test-2').getByText('restarting workloads in 2 namespaces'),
    ).toBeInTheDocument();

    act(() => {
      jest.advanceTimersByTime(5000);
    });
    expect(row('test-1').getByText('2 min')).toBeInTheDocument();
  });
});
