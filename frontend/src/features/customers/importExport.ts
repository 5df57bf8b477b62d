import { api, unwrap, type Schemas } from '../../api/client';

export async function exportCustomers(query: string): Promise<void> {
  const params = Object.fromEntries(new URLSearchParams(query));
  const res = await api.GET('/api/v1/customers/export.csv', {
    params: { query: params },
    parseAs: 'blob',
  });
  const blob = unwrap(res) as unknown as Blob;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'customers.csv';
  a.click();
  URL.revokeObjectURL(url);
}

/** All rows or none: a rejected file throws an ApiError whose problem lists every bad line. */
export async function importCustomers(csv: string): Promise<Schemas['ImportResult']> {
  return unwrap(
    await api.POST('/api/v1/customers/import', {
      body: csv,
      bodySerializer: (b: string) => b,
      headers: { 'Content-Type': 'text/csv' },
    }),
  );
}
