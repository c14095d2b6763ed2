export { TopologyView } from './TopologyView';
