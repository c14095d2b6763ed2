export { SessionStartLatencyTable } from './SessionStartLatencyTable';
