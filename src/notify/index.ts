/**
 * Notifications (Flux notification-controller's job): Providers say where to post, Alerts which events go
 * there. A pure core (event model, matching, dedup, payloads) under thin adapters (HTTP delivery, informers).
 */
export { NotificationController, type NotificationControllerOptions } from './controller.js';
export { eventMetadata, FAILING_OBJECTS_KEY, REVISION_KEY } from './event.js';
export { failingObjectsOf, withFailingObjects } from './failing.js';
export { type PhaseReport, type ProgressiveEvent, ProgressiveEvents } from './progressive-events.js';
