/**
 * The Alertmanager alerts this agent keeps firing, per stream (one Alert and one object), so they can be posted
 * again before they expire and resolved with their own start time. Pure: time comes in.
 */
import type { Notification } from './notification.js';

export interface Firing {
  /** `namespace/name` of the Alert that fired it: its current Provider and metadata build the re-post. */
  alertKey: string;
  /** The failure notification it fired for (message, reason and revision of the latest error). */
  notification: Notification;
  startsAt: Date;
  lastPostedMs: number;
}

export class FiringAlerts {
  private readonly byStream = new Map<string, Firing>();

  /** Records a failure posted now; keeps the start time of an alert already firing for the stream. */
  fire(stream: string, alertKey: string, notification: Notification, nowMs: number): Firing {
    const prev = this.byStream.get(stream);
    const firing: Firing = {
      alertKey,
      notification,
      startsAt: prev?.startsAt ?? notification.event.timestamp,
      lastPostedMs: nowMs,
    };
    this.byStream.set(stream, firing);
    return firing;
  }

  /** Removes the stream's alert and returns it, if this agent had it firing. */
  resolve(stream: string): Firing | undefined {
    const firing = this.byStream.get(stream);
    this.byStream.delete(stream);
    return firing;
  }

  /** The alerts last posted `resendMs` or more ago, marked as posted now. */
  due(nowMs: number, resendMs: number): { stream: string; firing: Firing }[] {
    const out: { stream: string; firing: Firing }[] = [];
    for (const [stream, firing] of this.byStream) {
      if (nowMs - firing.lastPostedMs < resendMs) continue;
      firing.lastPostedMs = nowMs;
      out.push({ stream, firing });
    }
    return out;
  }

  /** Forgets the streams whose key starts with `prefix` (an Alert deleted). */
  forget(prefix: string): void {
    for (const stream of this.byStream.keys()) if (stream.startsWith(prefix)) this.byStream.delete(stream);
  }

  size(): number {
    return this.byStream.size;
  }
}
