export { SoakCard, formatCountdown } from './SoakCard';
