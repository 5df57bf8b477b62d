import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';

export type Customer = Schemas['Customer'];
export type CustomerCreate = Schemas['CustomerCreate'];
export type CustomerUpdate = Schemas['CustomerUpdate'];

export interface CustomerFilter {
  q?: string;
  city?: string;
  sort?: string;
  cursor?: string;
}

export function useCustomers(filter: CustomerFilter) {
  return useQuery({
    queryKey: ['customers', filter],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/customers', {
          params: {
            query: {
              q: filter.q || undefined,
              city: filter.city || undefined,
              sort: filter.sort || undefined,
              // Keyset paging throughout: an empty cursor asks for the first page.
              cursor: filter.cursor ?? '',
              per_page: 25,
            },
          },
        }),
      ),
  });
}

/** The customer and the ETag to send back in If-Match. */
export async function fetchCustomer(id: number): Promise<{ customer: Customer; etag: string | null }> {
  const res = await api.GET('/api/v1/customers/{id}', { params: { path: { id } } });
  return { customer: unwrap(res), etag: res.response.headers.get('ETag') };
}

export function useCustomer(id: number | undefined) {
  return useQuery({
    queryKey: ['customer', id],
    enabled: id !== undefined,
    queryFn: () => fetchCustomer(id!),
  });
}

export async function createCustomer(body: CustomerCreate): Promise<Customer> {
  return unwrap(await api.POST('/api/v1/customers', { body }));
}

export async function updateCustomer(id: number, body: CustomerUpdate, etag: string | null): Promise<Customer> {
  return unwrap(
    await api.PATCH('/api/v1/customers/{id}', {
      params: { path: { id }, header: { 'If-Match': etag ?? undefined } },
      body,
    }),
  );
}

export function useCustomerPart<K extends 'timeline' | 'orders' | 'service-requests' | 'rfm' | 'recommendations'>(
  id: number,
  part: K,
) {
  return useQuery({
    queryKey: ['customer', id, part],
    retry: false,
    queryFn: async () => {
      const opts = { params: { path: { id } } };
      switch (part) {
        case 'timeline':
          return unwrap(await api.GET('/api/v1/customers/{id}/timeline', opts));
        case 'orders':
          return unwrap(await api.GET('/api/v1/customers/{id}/orders', opts));
        case 'service-requests':
          return unwrap(await api.GET('/api/v1/customers/{id}/service-requests', opts));
        case 'rfm':
          return unwrap(await api.GET('/api/v1/customers/{id}/rfm', opts));
        default:
          return unwrap(await api.GET('/api/v1/customers/{id}/recommendations', opts));
      }
    },
  });
}
