export { FleetOverview, FleetPage } from './FleetPage';
