export { ActiveWavesTable, activeWaves, recentWaves } from './ActiveWavesTable';
