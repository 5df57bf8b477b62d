import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { etagOf } from '../../lib/etag';

export type ServiceRequest = Schemas['ServiceRequest'];
export type Queue = 'mine' | 'unassigned' | 'overdue' | 'all';

// The status table of StatusChange in the API description.
export const NEXT_STATUS: Record<string, string[]> = {
  open: ['assigned'],
  assigned: ['in_progress', 'resolved'],
  in_progress: ['resolved'],
  resolved: ['closed', 'in_progress'],
  closed: ['in_progress'],
};

export function useServiceQueue(queue: Queue, userId: number | undefined) {
  return useQuery({
    queryKey: ['service-requests', queue, userId],
    queryFn: async () => {
      const query =
        queue === 'mine'
          ? { assignee_id: userId }
          : queue === 'unassigned'
            ? { assigned: false }
            : queue === 'overdue'
              ? { overdue: true }
              : {};
      return unwrap(
        await api.GET('/api/v1/service-requests', { params: { query: { ...query, per_page: 50, sort: queue === 'overdue' ? 'due_at' : '-request_date' } } }),
      );
    },
  });
}

export function useServiceRequest(id: number) {
  return useQuery({
    queryKey: ['service-request', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/service-requests/{id}', { params: { path: { id } } })),
  });
}

export function useServiceTimeline(id: number) {
  return useQuery({
    queryKey: ['service-request', id, 'timeline'],
    queryFn: async () => unwrap(await api.GET('/api/v1/service-requests/{id}/timeline', { params: { path: { id } } })),
  });
}

export function useServiceActions(id: number) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['service-request', id] });
  const status = useMutation({
    mutationFn: async (v: { sr: ServiceRequest; status: string }) =>
      unwrap(
        await api.POST('/api/v1/service-requests/{id}/status', {
          params: { path: { id }, header: { 'If-Match': etagOf(v.sr.version) } },
          body: { status: v.status as Schemas['StatusChange']['status'] },
        }),
      ),
    onSettled: refresh,
  });
  const comment = useMutation({
    mutationFn: async (body: string) =>
      unwrap(await api.POST('/api/v1/service-requests/{id}/updates', { params: { path: { id } }, body: { body } })),
    onSettled: refresh,
  });
  return { status, comment };
}
