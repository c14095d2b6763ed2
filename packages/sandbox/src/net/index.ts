export { findFreePorts } from './freePorts';
export { listenOnLoopback } from './listenOnLoopback';
