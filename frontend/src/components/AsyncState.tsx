import type { ReactNode } from 'react';
import { Alert, Button, Spinner } from 'react-bootstrap';
import { useI18n } from '../lib/i18n';

interface Props {
  isLoading: boolean;
  error: unknown;
  isEmpty: boolean;
  onRetry?: () => void;
  children: ReactNode;
}

/** The loading, error and empty states every list shares. */
export function AsyncState({ isLoading, error, isEmpty, onRetry, children }: Props) {
  const { t } = useI18n();
  if (isLoading) {
    return (
      <div role="status" className="text-center my-4">
        <Spinner animation="border" size="sm" /> {t('state.loading')}
      </div>
    );
  }
  if (error) {
    return (
      <Alert variant="danger">
        {t('state.error')} {error instanceof Error ? error.message : String(error)}{' '}
        {onRetry && (
          <Button size="sm" variant="outline-danger" onClick={onRetry}>
            {t('state.retry')}
          </Button>
        )}
      </Alert>
    );
  }
  if (isEmpty) return <p className="text-muted my-4">{t('state.empty')}</p>;
  return <>{children}</>;
}
