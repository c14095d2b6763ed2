export { BlastRadiusTable, BlastRadiusSection } from './BlastRadiusTable';
