export { EntityClusterUpgradesContent } from './EntityClusterUpgradesContent';
