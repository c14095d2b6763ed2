export { WaveActions } from './WaveActions';
