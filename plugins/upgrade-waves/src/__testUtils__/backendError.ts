export { backendError } from '@fleetdeck/frontend-common/testUtils';
