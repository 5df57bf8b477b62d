//! Multi-row INSERTs cut into statements that every backend accepts.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Iterable};

/// Bound values per statement: under SQLite's limit of 32 766 (PostgreSQL and MySQL
/// allow 65 535), so that one batch size suits all three backends.
pub const MAX_PARAMS: usize = 32_000;

/// Data per statement, about: MySQL refuses a packet over `max_allowed_packet`, which is
/// 4 MiB on older servers (16 MiB on MariaDB). Typical rows never reach it before
/// [`MAX_PARAMS`]; rows with long texts (notes, JSON payloads) do.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// Rows per statement for an entity, counting every column as a bound value.
pub fn rows_per_insert<E: EntityTrait>() -> usize {
    (MAX_PARAMS / E::Column::iter().count().max(1)).max(1)
}

/// Gathers items into batches of at most `max_rows` items and about [`MAX_BYTES`].
#[derive(Debug)]
pub struct Batcher<T> {
    max_rows: usize,
    bytes: usize,
    items: Vec<T>,
}

impl<T> Batcher<T> {
    /// An empty batcher.
    pub fn new(max_rows: usize) -> Self {
        Self { max_rows: max_rows.max(1), bytes: 0, items: Vec::new() }
    }

    /// Adds an item of about `bytes`; returns the batch once it is full.
    pub fn push(&mut self, item: T, bytes: usize) -> Option<Vec<T>> {
        self.items.push(item);
        self.bytes += bytes;
        (self.items.len() >= self.max_rows || self.bytes >= MAX_BYTES).then(|| self.take())
    }

    /// The items gathered so far (perhaps none), leaving the batcher empty.
    pub fn take(&mut self) -> Vec<T> {
        self.bytes = 0;
        std::mem::take(&mut self.items)
    }
}

/// Inserts `rows` with as few multi-row INSERTs as the limits allow (`bytes` estimates
/// the data of one row). Nothing is read back.
///
/// # Errors
/// Database failures.
pub async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>, bytes: impl Fn(&A) -> usize) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    let mut batcher = Batcher::new(rows_per_insert::<A::Entity>());
    for row in rows {
        let size = bytes(&row);
        if let Some(batch) = batcher.push(row, size) {
            A::Entity::insert_many(batch).exec_without_returning(db).await?;
        }
    }
    let rest = batcher.take();
    if !rest.is_empty() {
        A::Entity::insert_many(rest).exec_without_returning(db).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_close_at_the_row_count() {
        let mut b = Batcher::new(3);
        assert_eq!(b.push(1, 10), None);
        assert_eq!(b.push(2, 10), None);
        assert_eq!(b.push(3, 10), Some(vec![1, 2, 3]));
        assert_eq!(b.push(4, 10), None);
        assert_eq!(b.take(), vec![4]);
        assert!(b.take().is_empty());
    }

    #[test]
    fn batches_close_at_the_byte_budget() {
        let mut b = Batcher::new(1000);
        assert_eq!(b.push("a", MAX_BYTES / 2), None);
        assert_eq!(b.push("b", MAX_BYTES / 2), Some(vec!["a", "b"]));
        assert_eq!(b.push("huge", MAX_BYTES * 3), Some(vec!["huge"]), "an oversized row goes alone");
    }

    #[test]
    fn every_entity_batch_stays_under_the_parameter_limit() {
        use crate::entities::{audit_log, customer, customer_tag, webhook_delivery};
        for (rows, columns) in [
            (rows_per_insert::<customer::Entity>(), customer::Column::iter().count()),
            (rows_per_insert::<customer_tag::Entity>(), customer_tag::Column::iter().count()),
            (rows_per_insert::<audit_log::Entity>(), audit_log::Column::iter().count()),
            (rows_per_insert::<webhook_delivery::Entity>(), webhook_delivery::Column::iter().count()),
        ] {
            assert!(rows * columns <= 32_766, "{rows} rows of {columns} columns");
            assert!(rows >= 1000, "batches stay large: {rows}");
        }
    }
}
