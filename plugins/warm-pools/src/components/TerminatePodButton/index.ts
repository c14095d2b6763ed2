export { TerminatePodButton } from './TerminatePodButton';
