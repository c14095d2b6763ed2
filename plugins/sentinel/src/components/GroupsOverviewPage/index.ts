export { GroupsOverview, GroupsOverviewPage } from './GroupsOverviewPage';
