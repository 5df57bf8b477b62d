import { Button, Modal } from 'react-bootstrap';
import { useI18n } from '../lib/i18n';

interface Props {
  show: boolean;
  onReload: () => void;
  onOverwrite: () => void;
}

/** Shown on 412: the record changed since it was read. */
export function ConflictDialog({ show, onReload, onOverwrite }: Props) {
  const { t } = useI18n();
  return (
    <Modal show={show} onHide={onReload}>
      <Modal.Header>
        <Modal.Title>{t('conflict.title')}</Modal.Title>
      </Modal.Header>
      <Modal.Body>{t('conflict.body')}</Modal.Body>
      <Modal.Footer>
        <Button variant="secondary" onClick={onReload}>
          {t('conflict.reload')}
        </Button>
        <Button variant="danger" onClick={onOverwrite}>
          {t('conflict.overwrite')}
        </Button>
      </Modal.Footer>
    </Modal>
  );
}
