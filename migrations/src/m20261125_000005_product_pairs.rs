//! Product co-occurrence for recommendations: how many (not cancelled) orders hold each
//! product, and each pair of products together, kept in step with orders.

use sea_orm_migration::prelude::*;

use crate::util::create_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProductOrderStats {
    Table,
    ProductId,
    Orders,
}

#[derive(DeriveIden)]
enum ProductPairs {
    Table,
    ProductA,
    ProductB,
    Orders,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            m,
            Table::create()
                .table(ProductOrderStats::Table)
                .col(ColumnDef::new(ProductOrderStats::ProductId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(ProductOrderStats::Orders).big_integer().not_null())
                .to_owned(),
        )
        .await?;
        create_table(
            m,
            Table::create()
                .table(ProductPairs::Table)
                .col(ColumnDef::new(ProductPairs::ProductA).big_integer().not_null())
                .col(ColumnDef::new(ProductPairs::ProductB).big_integer().not_null())
                .col(ColumnDef::new(ProductPairs::Orders).big_integer().not_null())
                .primary_key(Index::create().col(ProductPairs::ProductA).col(ProductPairs::ProductB))
                .to_owned(),
        )
        .await?;
        m.create_index(crate::util::index(ProductPairs::Table, "idx_product_pairs_b", &["product_b", "product_a"]))
            .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO product_order_stats (product_id, orders) \
             SELECT l.product_id, COUNT(DISTINCT l.order_id) FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE o.status <> 'cancelled' AND l.product_id IS NOT NULL GROUP BY l.product_id",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO product_pairs (product_a, product_b, orders) \
             SELECT a.product_id, b.product_id, COUNT(DISTINCT a.order_id) FROM order_lines a \
             JOIN order_lines b ON b.order_id = a.order_id AND a.product_id < b.product_id \
             JOIN orders o ON o.id = a.order_id WHERE o.status <> 'cancelled' GROUP BY a.product_id, b.product_id",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProductPairs::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ProductOrderStats::Table).to_owned()).await
    }
}
