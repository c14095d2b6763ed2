import { Route, Routes, useParams } from 'react-router-dom';
import { ErrorPage } from '@backstage/core-components';
import { groupRouteRef } from '../../routes';
import { GroupPage } from '../GroupPage';
import { GroupsOverviewPage } from '../GroupsOverviewPage';

const notFound = (
  <ErrorPage
    status="404"
    statusMessage="There is no such Redis Sentinel page."
  />
);

function GroupRoute() {
  const { group } = useParams();
  return group ? <GroupPage group={group} /> : notFound;
}

/** The plugin's pages under its mount point: the overview, and a page per group at `groups/:group`. */
export function Router() {
  return (
    <Routes>
      <Route path="/" element={<GroupsOverviewPage />} />
      <Route path={groupRouteRef.path} element={<GroupRoute />} />
      <Route path="*" element={notFound} />
    </Routes>
  );
}
