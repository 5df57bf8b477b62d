//! Customer-level co-occurrence for recommendations: which products each customer
//! bought (in how many orders that are not cancelled), how many customers bought each
//! product, and each pair of products (a < b) — bought by the same customer, in the
//! same order or not. Kept in step with orders; backfilled here. The number of
//! customers who bought anything is the counter `customers_with_products`.

use sea_orm_migration::prelude::*;

use crate::util::{create_table, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CustomerProducts {
    Table,
    CustomerId,
    ProductId,
    Orders,
}

#[derive(DeriveIden)]
enum ProductCustomerStats {
    Table,
    ProductId,
    Customers,
}

#[derive(DeriveIden)]
enum CustomerProductPairs {
    Table,
    ProductA,
    ProductB,
    Customers,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            m,
            Table::create()
                .table(CustomerProducts::Table)
                .col(ColumnDef::new(CustomerProducts::CustomerId).big_integer().not_null())
                .col(ColumnDef::new(CustomerProducts::ProductId).big_integer().not_null())
                .col(ColumnDef::new(CustomerProducts::Orders).big_integer().not_null())
                .primary_key(Index::create().col(CustomerProducts::CustomerId).col(CustomerProducts::ProductId))
                .to_owned(),
        )
        .await?;
        create_table(
            m,
            Table::create()
                .table(ProductCustomerStats::Table)
                .col(ColumnDef::new(ProductCustomerStats::ProductId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(ProductCustomerStats::Customers).big_integer().not_null())
                .to_owned(),
        )
        .await?;
        create_table(
            m,
            Table::create()
                .table(CustomerProductPairs::Table)
                .col(ColumnDef::new(CustomerProductPairs::ProductA).big_integer().not_null())
                .col(ColumnDef::new(CustomerProductPairs::ProductB).big_integer().not_null())
                .col(ColumnDef::new(CustomerProductPairs::Customers).big_integer().not_null())
                .primary_key(Index::create().col(CustomerProductPairs::ProductA).col(CustomerProductPairs::ProductB))
                .to_owned(),
        )
        .await?;
        m.create_index(index(CustomerProductPairs::Table, "idx_customer_product_pairs_b", &["product_b", "product_a"]))
            .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO customer_products (customer_id, product_id, orders) \
             SELECT o.customer_id, l.product_id, COUNT(DISTINCT o.id) FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE o.status <> 'cancelled' AND l.product_id IS NOT NULL GROUP BY o.customer_id, l.product_id",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO product_customer_stats (product_id, customers) \
             SELECT product_id, COUNT(*) FROM customer_products GROUP BY product_id",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO customer_product_pairs (product_a, product_b, customers) \
             SELECT a.product_id, b.product_id, COUNT(*) FROM customer_products a \
             JOIN customer_products b ON b.customer_id = a.customer_id AND a.product_id < b.product_id \
             GROUP BY a.product_id, b.product_id",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO counters (name, value) \
             SELECT 'customers_with_products', COUNT(DISTINCT customer_id) FROM customer_products",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DELETE FROM counters WHERE name = 'customers_with_products'").await?;
        m.drop_table(Table::drop().table(CustomerProductPairs::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ProductCustomerStats::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(CustomerProducts::Table).to_owned()).await
    }
}
