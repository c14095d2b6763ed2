export { AuditTimeline, decisionText } from './AuditTimeline';
export { actorName } from './actorName';
