export { EntityWarmPoolContent } from './EntityWarmPoolContent';
