import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { Alert, Button, Form } from 'react-bootstrap';
import { ApiError } from '../../api/client';
import { t } from '../../lib/i18n';

// Client checks catch the obvious; the server's problem+json field errors have the last word.
const schema = z.object({
  name: z.string().trim().min(1, { message: 'form.required' }).max(200),
  email: z.union([z.literal(''), z.email({ message: 'form.invalidEmail' })]),
  phone: z.string().max(40),
  company: z.string().max(200),
  city: z.string().max(100),
});

export type CustomerFormValues = z.infer<typeof schema>;
const FIELDS = ['name', 'email', 'phone', 'company', 'city'] as const;
const LABELS = { name: 'cust.name', email: 'cust.email', phone: 'cust.phone', company: 'cust.company', city: 'cust.city' } as const;

interface Props {
  defaultValues?: Partial<CustomerFormValues>;
  /** Throws an ApiError to have its field errors shown. */
  onSubmit: (values: CustomerFormValues) => Promise<void>;
  onCancel?: () => void;
}

export function CustomerForm({ defaultValues, onSubmit, onCancel }: Props) {
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<CustomerFormValues>({
    resolver: zodResolver(schema),
    defaultValues: { name: '', email: '', phone: '', company: '', city: '', ...defaultValues },
  });

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(values);
    } catch (e) {
      const fieldErrors = e instanceof ApiError ? e.fieldErrors() : {};
      let matched = false;
      for (const f of FIELDS) {
        if (fieldErrors[f]) {
          setError(f, { type: 'server', message: fieldErrors[f] });
          matched = true;
        }
      }
      if (!matched) setError('root', { type: 'server', message: (e as Error).message });
    }
  });

  const message = (m?: string) => (m && m.startsWith('form.') ? t(m as 'form.required') : m);

  return (
    <Form noValidate onSubmit={submit}>
      {errors.root && <Alert variant="danger">{errors.root.message}</Alert>}
      {FIELDS.map((f) => (
        <Form.Group className="mb-3" controlId={`customer-${f}`} key={f}>
          <Form.Label>{t(LABELS[f])}</Form.Label>
          <Form.Control {...register(f)} isInvalid={!!errors[f]} type={f === 'email' ? 'email' : 'text'} />
          <Form.Control.Feedback type="invalid">{message(errors[f]?.message)}</Form.Control.Feedback>
        </Form.Group>
      ))}
      <Button type="submit" disabled={isSubmitting}>
        {t('form.save')}
      </Button>{' '}
      {onCancel && (
        <Button variant="link" onClick={onCancel}>
          {t('form.cancel')}
        </Button>
      )}
    </Form>
  );
}

/** Empty inputs become null so that the server clears rather than stores "". */
export function toBody(values: CustomerFormValues) {
  const blank = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    name: values.name.trim(),
    email: blank(values.email),
    phone: blank(values.phone),
    company: blank(values.company),
    city: blank(values.city),
  };
}
