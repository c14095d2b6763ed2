export { LiveUpdatesNote } from './LiveUpdatesNote';
