export { SizingAdviceCard } from './SizingAdviceCard';
