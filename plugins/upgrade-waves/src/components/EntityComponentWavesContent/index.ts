export { EntityComponentWavesContent } from './EntityComponentWavesContent';
