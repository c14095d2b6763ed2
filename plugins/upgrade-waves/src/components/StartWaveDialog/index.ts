export {
  StartWaveButton,
  StartWaveDialog,
  knownVersions,
} from './StartWaveDialog';
