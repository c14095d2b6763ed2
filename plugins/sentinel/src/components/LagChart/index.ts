export { LagChart } from './LagChart';
