export {
  WavesTable,
  WaveLink,
  newestWavesFirst,
  useWaveLink,
  waveName,
} from './WavesTable';
