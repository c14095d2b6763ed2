export { PreCheckResults, OutcomeChip } from './PreCheckResults';
