export {
  actionLabel,
  shownActions,
  WaveActions,
  wayOutText,
} from './WaveActions';
