export { WavePage } from './WavePage';
