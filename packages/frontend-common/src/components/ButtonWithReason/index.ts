export { ButtonWithReason } from './ButtonWithReason';
