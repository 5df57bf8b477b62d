import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { etagOf } from '../../lib/etag';

export type Product = Schemas['Product'];
export type ProductUpdate = Schemas['ProductUpdate'];

export function useProducts(q: string, page: number) {
  return useQuery({
    queryKey: ['products', q, page],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/products', { params: { query: { q: q || undefined, page, per_page: 25, sort: 'name' } } })),
  });
}

export function useUpdateProduct() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { product: Product; body: ProductUpdate }) =>
      unwrap(
        await api.PATCH('/api/v1/products/{id}', {
          params: { path: { id: v.product.id }, header: { 'If-Match': etagOf(v.product.version) } },
          body: v.body,
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['products'] }),
  });
}
