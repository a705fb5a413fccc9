import { events, type EventName, type EventPayload } from '../../shared/contract.js';

export type EventSink = (event: EventName, payload: unknown) => void;

/** Fans main-process events out to every connected window or browser tab; payloads are checked against the contract. */
export class EventBus {
  private readonly sinks = new Set<EventSink>();

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload);
    for (const sink of this.sinks) sink(event, checked);
  }
}
