import type { Schemas } from '../../api/client';

/** What a subscription may list: an event or a wildcard (the spec's enum). */
export type EventPattern = NonNullable<Schemas['WebhookCreate']['events']>[number];
/** A delivery's status (the spec's enum). */
export type DeliveryStatus = NonNullable<Schemas['WebhookDelivery']['status']>;

// The events a subscription may name, in display order (the spec's enum also lists the
// wildcards; `satisfies` keeps this list within it).
export const WEBHOOK_EVENTS = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'lead.created',
  'lead.updated',
  'lead.converted',
  'opportunity.stage_changed',
  'quote.accepted',
  'order.created',
  'service_request.created',
  'service_request.updated',
  'service_request.resolved',
  'campaign.completed',
] as const satisfies readonly EventPattern[];

/** The events grouped by resource, each group offering its `<resource>.*` wildcard. */
export function eventGroups(): { wildcard: string; events: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const e of WEBHOOK_EVENTS) {
    const resource = e.slice(0, e.indexOf('.'));
    groups.set(resource, [...(groups.get(resource) ?? []), e]);
  }
  return [...groups].map(([resource, events]) => ({ wildcard: `${resource}.*`, events }));
}

export const DELIVERY_STATUSES = ['queued', 'sending', 'delivered', 'failed', 'cancelled'] as const satisfies readonly DeliveryStatus[];
