export { GroupProblems } from './GroupProblems';
