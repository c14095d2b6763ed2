export { SessionStoreTable } from './SessionStoreTable';
