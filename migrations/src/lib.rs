//! One schema for SQLite, PostgreSQL and MySQL/MariaDB, written once with
//! sea-query's portable builders.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_foundation;
mod m20261125_000002_sales;
mod m20261125_000003_service;
mod m20261125_000004_customer_order_stats;
mod m20261125_000005_product_pairs;
mod m20261125_000006_customer_rfm;
mod m20261125_000007_sales_rollups;
mod m20261125_000008_customer_products;
mod m20261125_000010_marketing;
mod m20261125_000011_webhooks;
mod m20261125_000012_security;
mod m20261125_000013_auth;
mod m20261206_000014_settings_version;
mod m20261206_000015_customer_search;
mod m20261206_000016_customer_sort_indexes;
mod m20261206_000017_sales_monthly_status;
mod m20261206_000018_service_glance_index;
mod m20261206_000019_customer_rfm_last_order_day;
mod m20261206_000020_opportunity_dashboard_indexes;
mod m20261207_000021_customer_search_pending_list;
mod m20261207_000022_customer_live_sort_indexes;
mod m20261207_000023_customer_search_exact;
mod m20261207_000024_customer_search_deferred;
mod m20261207_000025_daily_counts;
mod m20261207_000026_opportunity_pipeline;
mod m20261208_000027_customers_by_owner;
mod util;

/// Every migration of Rapport, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_sales::Migration),
            Box::new(m20261125_000003_service::Migration),
            Box::new(m20261125_000004_customer_order_stats::Migration),
            Box::new(m20261125_000005_product_pairs::Migration),
            Box::new(m20261125_000006_customer_rfm::Migration),
            Box::new(m20261125_000007_sales_rollups::Migration),
            Box::new(m20261125_000008_customer_products::Migration),
            Box::new(m20261125_000010_marketing::Migration),
            Box::new(m20261125_000011_webhooks::Migration),
            Box::new(m20261125_000012_security::Migration),
            Box::new(m20261125_000013_auth::Migration),
            Box::new(m20261206_000014_settings_version::Migration),
            Box::new(m20261206_000015_customer_search::Migration),
            Box::new(m20261206_000016_customer_sort_indexes::Migration),
            Box::new(m20261206_000017_sales_monthly_status::Migration),
            Box::new(m20261206_000018_service_glance_index::Migration),
            Box::new(m20261206_000019_customer_rfm_last_order_day::Migration),
            Box::new(m20261206_000020_opportunity_dashboard_indexes::Migration),
            Box::new(m20261207_000021_customer_search_pending_list::Migration),
            Box::new(m20261207_000022_customer_live_sort_indexes::Migration),
            Box::new(m20261207_000023_customer_search_exact::Migration),
            Box::new(m20261207_000024_customer_search_deferred::Migration),
            Box::new(m20261207_000025_daily_counts::Migration),
            Box::new(m20261207_000026_opportunity_pipeline::Migration),
            Box::new(m20261208_000027_customers_by_owner::Migration),
        ]
    }
}
