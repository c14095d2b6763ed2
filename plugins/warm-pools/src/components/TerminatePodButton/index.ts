export { TerminatePodButton, TerminatePodDialog } from './TerminatePodButton';
