import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { etagOf } from '../../lib/etag';
import type { operations } from '../../api/schema';

export type Quote = Schemas['Quote'];
export type QuoteCreate = Schemas['QuoteCreate'];
export type QuoteUpdate = Schemas['QuoteUpdate'];
export type DocumentLine = Schemas['DocumentLine'];
export type DocumentLineInput = Schemas['DocumentLineInput'];
export const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'rejected', 'expired'] as const;

export function useQuotes(filter: { status?: string; opportunityId?: number; page: number }) {
  return useQuery({
    queryKey: ['quotes', filter],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/quotes', {
          params: {
            query: { status: (filter.status || undefined) as NonNullable<operations['list_quotes']['parameters']['query']>['status'], opportunity_id: filter.opportunityId, page: filter.page, per_page: 25 },
          },
        }),
      ),
  });
}

export function useQuote(id: number) {
  return useQuery({
    queryKey: ['quote', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/quotes/{id}', { params: { path: { id } } })),
  });
}

export function useActiveProducts() {
  return useQuery({
    queryKey: ['products', 'active-all'],
    staleTime: 60_000,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/products', { params: { query: { active: true, per_page: 200, sort: 'name', count: false } } })),
  });
}

export function useOpportunity(id: number | null) {
  return useQuery({
    queryKey: ['opportunity', id],
    enabled: id != null,
    queryFn: async () => unwrap(await api.GET('/api/v1/opportunities/{id}', { params: { path: { id: id! } } })),
  });
}

export function useCreateQuote() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: QuoteCreate) => unwrap(await api.POST('/api/v1/quotes', { body })),
    onSuccess: (q) => {
      qc.setQueryData(['quote', q.id], q);
      qc.invalidateQueries({ queryKey: ['quotes'] });
    },
  });
}

/** Saves a draft; the answer carries the server's totals, which replace the cached quote. */
export function useUpdateQuote() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { quote: Quote; body: QuoteUpdate }) =>
      unwrap(
        await api.PATCH('/api/v1/quotes/{id}', {
          params: { path: { id: v.quote.id }, header: { 'If-Match': etagOf(v.quote.version) } },
          body: v.body,
        }),
      ),
    onSuccess: (q) => {
      qc.setQueryData(['quote', q.id], q);
      qc.invalidateQueries({ queryKey: ['quotes'] });
    },
  });
}

export type QuoteAction = 'send' | 'accept' | 'reject';

export function useQuoteAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { quote: Quote; action: QuoteAction }) => {
      const params = { path: { id: v.quote.id }, header: { 'If-Match': etagOf(v.quote.version) } };
      if (v.action === 'send') return unwrap(await api.POST('/api/v1/quotes/{id}/send', { params }));
      if (v.action === 'accept') return unwrap(await api.POST('/api/v1/quotes/{id}/accept', { params }));
      return unwrap(await api.POST('/api/v1/quotes/{id}/reject', { params }));
    },
    onSuccess: (q) => {
      qc.setQueryData(['quote', q.id], q);
      qc.invalidateQueries({ queryKey: ['quotes'] });
      qc.invalidateQueries({ queryKey: ['opportunities'] });
    },
  });
}

/** One editable line: strings as typed, so that the server's validation speaks about them. */
export interface LineDraft {
  product_id: number | null;
  description: string;
  quantity: string;
  unit_price: string;
  discount_pct: string;
}

export function emptyLine(): LineDraft {
  return { product_id: null, description: '', quantity: '1', unit_price: '', discount_pct: '' };
}

export function fromServerLine(l: DocumentLine): LineDraft {
  return {
    product_id: l.product_id ?? null,
    description: l.description,
    quantity: l.quantity,
    unit_price: l.unit_price,
    discount_pct: l.discount_pct === '0.00' ? '' : l.discount_pct,
  };
}

/** Blank inputs are left out so that the server applies its defaults (product name and price, 0 %). */
export function toLineInput(l: LineDraft): DocumentLineInput {
  return {
    product_id: l.product_id,
    description: l.description.trim() || null,
    quantity: l.quantity.trim(),
    unit_price: l.unit_price.trim() || null,
    discount_pct: l.discount_pct.trim() || null,
  };
}
