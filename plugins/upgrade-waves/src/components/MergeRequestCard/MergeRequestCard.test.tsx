import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { wave } from '../../__testUtils__/fixtures';
import { MergeRequestCard } from './MergeRequestCard';

describe('MergeRequestCard', () => {
  it('shows the upgrade and rollback merge requests with link, state, branch and diff', async () => {
    const upgrade = wave().mergeRequests[0];
    await renderInTestApp(
      <MergeRequestCard
        wave={wave({
          status: 'ROLLED_BACK',
          mergeRequests: [
            { ...upgrade, state: 'merged' },
            {
              ...upgrade,
              kind: 'rollback',
              iid: 8,
              webUrl:
                'http://gitlab.example/platform/gitops-test/-/merge_requests/8',
              branch: 'rollback/istio-1.22.3-test',
              title: 'Rollback Istio to v1.22.3 for test',
              state: 'opened',
              diff: { files: 1, additions: 2, deletions: 2 },
            },
          ],
        })}
      />,
    );

    expect(
      screen.getByRole('link', {
        name: /^!8 Rollback Istio to v1\.22\.3 for test/,
      }),
    ).toHaveAttribute(
      'href',
      'http://gitlab.example/platform/gitops-test/-/merge_requests/8',
    );
    expect(
      screen.getByText(/Rollback · platform\/gitops-test/),
    ).toBeInTheDocument();
    expect(screen.getByText(/1 file, \+2 −2/)).toBeInTheDocument();
    expect(screen.getByText('rollback/istio-1.22.3-test')).toBeInTheDocument();
    expect(screen.getByText('merged')).toBeInTheDocument();
    expect(screen.getByText('opened')).toBeInTheDocument();
  });

  it('says when the merge request is still to come, or never came', async () => {
    const { rerender } = await renderInTestApp(
      <MergeRequestCard
        wave={wave({ status: 'PRE_CHECKS', mergeRequests: [] })}
      />,
    );
    expect(
      screen.getByText(
        /No merge request yet: it is opened once the pre-checks pass/,
      ),
    ).toBeInTheDocument();

    rerender(
      <MergeRequestCard wave={wave({ status: 'HALTED', mergeRequests: [] })} />,
    );
    expect(screen.getByText(/No merge request was opened/)).toBeInTheDocument();
  });

  it('says who merged or closed a merge request in GitLab, when GitLab said', async () => {
    const upgrade = wave().mergeRequests[0];
    const rollback = {
      ...upgrade,
      kind: 'rollback' as const,
      iid: 8,
      title: 'Rollback Istio to v1.22.3 for test',
    };
    const { rerender } = await renderInTestApp(
      <MergeRequestCard
        wave={wave({
          status: 'NEEDS_ATTENTION',
          mergeRequests: [
            { ...upgrade, state: 'merged', mergedBy: 'linus' },
            { ...rollback, state: 'closed', closedBy: 'margaret' },
          ],
        })}
      />,
    );
    expect(screen.getByText('merged by @linus')).toBeInTheDocument();
    expect(screen.getByText('closed by @margaret')).toBeInTheDocument();

    rerender(
      <MergeRequestCard
        wave={wave({ mergeRequests: [{ ...upgrade, state: 'merged' }] })}
      />,
    );
    expect(screen.queryByText(/merged by/)).not.toBeInTheDocument();
  });
});
