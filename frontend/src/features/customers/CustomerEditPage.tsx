import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { AsyncState } from '../../components/AsyncState';
import { ConflictDialog } from '../../components/ConflictDialog';
import { useI18n } from '../../lib/i18n';
import { CustomerForm, toBody, type CustomerFormValues } from './CustomerForm';
import { createCustomer, fetchCustomer, updateCustomer, useCustomer } from './hooks';

export function CustomerEditPage() {
  const { t } = useI18n();
  const { id: idParam } = useParams();
  const id = idParam ? Number(idParam) : undefined;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const existing = useCustomer(id);
  const [pending, setPending] = useState<CustomerFormValues | null>(null);
  const [formKey, setFormKey] = useState(0);

  async function save(values: CustomerFormValues, etag: string | null) {
    const saved = id === undefined ? await createCustomer(toBody(values)) : await updateCustomer(id, toBody(values), etag);
    qc.invalidateQueries({ queryKey: ['customers'] });
    qc.invalidateQueries({ queryKey: ['customer', saved.id] });
    navigate(`/customers/${saved.id}`);
  }

  async function submit(values: CustomerFormValues) {
    try {
      await save(values, existing.data?.etag ?? null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setPending(values);
        return;
      }
      throw e;
    }
  }

  async function reload() {
    setPending(null);
    await existing.refetch();
    setFormKey((k) => k + 1);
  }

  async function overwrite() {
    const values = pending!;
    setPending(null);
    const fresh = await fetchCustomer(id!);
    await save(values, fresh.etag);
  }

  const title = id === undefined ? t('cust.new') : t('cust.edit');
  const c = existing.data?.customer;
  return (
    <div style={{ maxWidth: 640 }}>
      <h1 className="h3">{title}</h1>
      <AsyncState isLoading={id !== undefined && existing.isLoading} error={existing.error} isEmpty={false}>
        <CustomerForm
          key={`${formKey}-${c?.version ?? 0}`}
          defaultValues={
            c
              ? { name: c.name, email: c.email ?? '', phone: c.phone ?? '', company: c.company ?? '', city: c.city ?? '' }
              : undefined
          }
          onSubmit={submit}
          onCancel={() => navigate(-1)}
        />
      </AsyncState>
      <ConflictDialog show={pending !== null} onReload={reload} onOverwrite={overwrite} />
    </div>
  );
}
