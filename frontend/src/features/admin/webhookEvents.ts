// The events a subscription may name. The OpenAPI document only gives examples
// (`customer.created`, `customer.*`, `*`); this list follows the server's own, which it
// repeats in the 422 detail when a subscription names an unknown event.
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
] as const;

/** The events grouped by resource, each group offering its `<resource>.*` wildcard. */
export function eventGroups(): { wildcard: string; events: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const e of WEBHOOK_EVENTS) {
    const resource = e.slice(0, e.indexOf('.'));
    groups.set(resource, [...(groups.get(resource) ?? []), e]);
  }
  return [...groups].map(([resource, events]) => ({ wildcard: `${resource}.*`, events }));
}

export const DELIVERY_STATUSES = ['queued', 'sending', 'delivered', 'failed', 'cancelled'] as const;
