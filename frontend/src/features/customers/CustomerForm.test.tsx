import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError } from '../../api/client';
import { CustomerForm } from './CustomerForm';

describe('CustomerForm', () => {
  it('requires a name and a valid email before calling the server', async () => {
    const onSubmit = vi.fn(async () => undefined);
    render(<CustomerForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText('Email'), 'not-an-email');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Required')).toBeInTheDocument();
    expect(screen.getByText('Not a valid email')).toBeInTheDocument();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('shows the field errors of a problem+json answer', async () => {
    const onSubmit = vi.fn(async () => {
      throw new ApiError(422, {
        type: 'urn:rapport:problem:validation_failed',
        title: 'Validation failed',
        status: 422,
        code: 'validation_failed',
        detail: 'invalid',
        errors: [{ field: 'phone', message: 'is not a valid phone number' }],
      });
    });
    render(<CustomerForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText('Name'), 'Li Na');
    await userEvent.type(screen.getByLabelText('Phone'), 'abc');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('is not a valid phone number')).toBeInTheDocument();
    expect(screen.getByLabelText('Phone')).toHaveClass('is-invalid');
    expect(onSubmit).toHaveBeenCalledWith({ name: 'Li Na', email: '', phone: 'abc', company: '', city: '' });
  });

  it('shows an error without fields as a form-level alert', async () => {
    const onSubmit = vi.fn(async () => {
      throw new ApiError(403, { type: 'x', title: 'Forbidden', status: 403, code: 'forbidden', detail: 'not allowed' });
    });
    render(<CustomerForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText('Name'), 'Li Na');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('not allowed');
  });
});
