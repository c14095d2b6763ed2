export { AuditTimeline, decisionText } from './AuditTimeline';
