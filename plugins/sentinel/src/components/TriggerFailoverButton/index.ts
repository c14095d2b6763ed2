export { TriggerFailoverButton } from './TriggerFailoverButton';
