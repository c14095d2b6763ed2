import { ReactNode } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Alert from '@material-ui/lab/Alert';
import type { Resource } from '../../hooks/useResource';
import { describeError } from '../../errors';

/**
 * A resource's value; or Progress while it first loads; or the error when it never loaded. When a refresh failed
 * after a value was shown, the value stays, under a warning.
 */
export function ResourceView<T>(props: {
  resource: Resource<T>;
  children: (value: T) => ReactNode;
}) {
  const { resource, children } = props;
  if (resource.value === undefined) {
    if (resource.error) return <ResponseErrorPanel error={resource.error} />;
    return <Progress />;
  }
  return (
    <>
      {resource.error && (
        <Alert severity="warning" role="status">
          Could not refresh: {describeError(resource.error)}. Showing the last
          data loaded.
        </Alert>
      )}
      {children(resource.value)}
    </>
  );
}
