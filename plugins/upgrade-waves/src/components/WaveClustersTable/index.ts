export { WaveClustersTable, RestartProgress } from './WaveClustersTable';
