import { ReactNode } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Alert from '@material-ui/lab/Alert';
import { Resource } from '../../hooks/useResource';
import { describeError } from '../errors';

/**
 * Renders a resource's value, or its loading or error state. When a refresh failed but an older value is there,
 * shows the value under a warning rather than replacing it with the error.
 */
export function ResourceView<T>(props: {
  resource: Resource<T>;
  children: (value: T) => ReactNode;
}) {
  const { resource, children } = props;
  if (resource.value !== undefined) {
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
  if (resource.error) {
    return <ResponseErrorPanel error={resource.error} />;
  }
  return <Progress />;
}
