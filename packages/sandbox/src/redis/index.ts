export {
  findRedisServer,
  REDIS_SERVER_MISSING_MESSAGE,
} from './findRedisServer';
export { SentinelTopology } from './SentinelTopology';
export type {
  RedisNode,
  RedisNodeState,
  SentinelTopologyOptions,
} from './SentinelTopology';
