import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { etagOf } from '../../lib/etag';

export type Opportunity = Schemas['Opportunity'];
export const STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost'] as const;

export function useOpportunities() {
  return useQuery({
    queryKey: ['opportunities'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/opportunities', { params: { query: { per_page: 200, sort: '-updated_at', count: false } } })),
  });
}

export function useMoveStage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { opp: Opportunity; stage: string; lostReason?: string }) =>
      unwrap(
        await api.PATCH('/api/v1/opportunities/{id}', {
          params: { path: { id: v.opp.id }, header: { 'If-Match': etagOf(v.opp.version) } },
          body: { stage: v.stage as Schemas['OpportunityUpdate']['stage'], lost_reason: v.lostReason ?? null },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ['opportunities'] }),
  });
}
