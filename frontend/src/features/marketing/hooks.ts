import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { etagOf } from '../../lib/etag';
import type { operations } from '../../api/schema';

export type Segment = Schemas['Segment'];
export type SegmentFilter = Schemas['SegmentFilter'];
export type Campaign = Schemas['Campaign'];
export type CampaignCreate = Schemas['CampaignCreate'];
export type CampaignUpdate = Schemas['CampaignUpdate'];
export type CampaignStats = Schemas['CampaignStats'];

export const CHANNELS = ['email', 'sms', 'phone'] as const;
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'completed', 'cancelled'] as const;
export const GOAL_METRICS = ['orders', 'revenue', 'converted', 'clicked', 'opened'] as const;
export const RFM_SEGMENTS = [
  'champions',
  'loyal_customers',
  'potential_loyalists',
  'new_customers',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose_them',
  'hibernating',
  'lost',
] as const;

export function useSegments() {
  return useQuery({
    queryKey: ['segments'],
    queryFn: async () => unwrap(await api.GET('/api/v1/segments', { params: { query: { per_page: 200 } } })),
  });
}

export function useSegment(id: number | null) {
  return useQuery({
    queryKey: ['segment', id],
    enabled: id != null,
    queryFn: async () => unwrap(await api.GET('/api/v1/segments/{id}', { params: { path: { id: id! } } })),
  });
}

/** The live count: keeps showing the last answer while the next one loads. */
export function useSegmentPreview(filter: SegmentFilter, enabled = true) {
  return useQuery({
    queryKey: ['segment-preview', filter],
    enabled,
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: async () => unwrap(await api.POST('/api/v1/segments/preview', { body: { filter } })),
  });
}

export function useSaveSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { segment?: Segment; name: string; description: string | null; filter: SegmentFilter }) => {
      if (v.segment) {
        return unwrap(
          await api.PATCH('/api/v1/segments/{id}', {
            params: { path: { id: v.segment.id }, header: { 'If-Match': etagOf(v.segment.version) } },
            body: { name: v.name, description: v.description, filter: v.filter },
          }),
        );
      }
      return unwrap(await api.POST('/api/v1/segments', { body: { name: v.name, description: v.description, filter: v.filter } }));
    },
    onSuccess: (s) => {
      qc.setQueryData(['segment', s.id], s);
      qc.invalidateQueries({ queryKey: ['segments'] });
    },
  });
}

export function useCampaigns(filter: { status?: string; channel?: string; page: number }) {
  return useQuery({
    queryKey: ['campaigns', filter],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/campaigns', {
          params: { query: { status: (filter.status || undefined) as NonNullable<operations['list_campaigns']['parameters']['query']>['status'], channel: (filter.channel || undefined) as NonNullable<operations['list_campaigns']['parameters']['query']>['channel'], page: filter.page, per_page: 25 } },
        }),
      ),
  });
}

/** While delivery runs the campaign is polled, so that its progress counts move. */
export function useCampaign(id: number | null) {
  return useQuery({
    queryKey: ['campaign', id],
    enabled: id != null,
    queryFn: async () => unwrap(await api.GET('/api/v1/campaigns/{id}', { params: { path: { id: id! } } })),
    refetchInterval: (q) => {
      const c = q.state.data;
      return c && c.status === 'running' && (c.progress?.queued ?? 0) > 0 ? 1500 : false;
    },
  });
}

export function useCampaignStats(id: number, live: boolean, stage: string) {
  return useQuery({
    queryKey: ['campaign', id, 'stats', stage],
    placeholderData: keepPreviousData,
    queryFn: async () => unwrap(await api.GET('/api/v1/campaigns/{id}/stats', { params: { path: { id } } })),
    refetchInterval: live ? 3000 : false,
  });
}

export function useCompareCampaigns(ids: number[]) {
  return useQuery({
    queryKey: ['campaigns', 'compare', ids],
    enabled: ids.length > 0,
    queryFn: async () => unwrap(await api.GET('/api/v1/campaigns/compare', { params: { query: { ids: ids.join(',') } } })),
  });
}

export function useSaveCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { campaign?: Campaign; body: CampaignCreate }) => {
      if (v.campaign) {
        return unwrap(
          await api.PATCH('/api/v1/campaigns/{id}', {
            params: { path: { id: v.campaign.id }, header: { 'If-Match': etagOf(v.campaign.version) } },
            body: v.body,
          }),
        );
      }
      return unwrap(await api.POST('/api/v1/campaigns', { body: v.body }));
    },
    onSuccess: (c) => {
      qc.setQueryData(['campaign', c.id], c);
      qc.invalidateQueries({ queryKey: ['campaigns'] });
    },
  });
}

export type CampaignAction = 'launch' | 'schedule' | 'unschedule' | 'cancel';

export function useCampaignAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { campaign: Campaign; action: CampaignAction }) => {
      const params = { path: { id: v.campaign.id }, header: { 'If-Match': etagOf(v.campaign.version) } };
      switch (v.action) {
        case 'launch':
          return unwrap(await api.POST('/api/v1/campaigns/{id}/launch', { params }));
        case 'schedule':
          return unwrap(await api.POST('/api/v1/campaigns/{id}/schedule', { params }));
        case 'unschedule':
          return unwrap(await api.POST('/api/v1/campaigns/{id}/unschedule', { params }));
        default:
          return unwrap(await api.POST('/api/v1/campaigns/{id}/cancel', { params }));
      }
    },
    onSuccess: (c) => {
      qc.setQueryData(['campaign', c.id], c);
      qc.invalidateQueries({ queryKey: ['campaigns'] });
      // Re-read: the single-campaign read carries the delivery progress.
      qc.invalidateQueries({ queryKey: ['campaign', c.id] });
    },
  });
}

export function useTestSend(id: number) {
  return useMutation({
    mutationFn: async (body: Schemas['TestSendRequest']) =>
      unwrap(await api.POST('/api/v1/campaigns/{id}/test-send', { params: { path: { id } }, body })),
  });
}

export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['users'],
    enabled,
    queryFn: async () => unwrap(await api.GET('/api/v1/users', { params: { query: { per_page: 200 } } })),
    retry: false,
  });
}
