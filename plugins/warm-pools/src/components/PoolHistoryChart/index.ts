export { HistoryRangeSelector, PoolHistoryChart } from './PoolHistoryChart';
