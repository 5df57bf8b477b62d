//! sea-orm entities: one module per table, plain data without behaviour.

pub mod activity;
pub mod api_key;
pub mod audit_log;
pub mod counter;
pub mod customer;
pub mod customer_order_stats;
pub mod customer_product;
pub mod customer_product_pair;
pub mod customer_rfm;
pub mod customer_tag;
pub mod lead;
pub mod opportunity;
pub mod order;
pub mod order_line;
pub mod product;
pub mod product_customer_stats;
pub mod product_order_stats;
pub mod product_pair;
pub mod quote;
pub mod quote_line;
pub mod refresh_token;
pub mod service_request;
pub mod service_update;
pub mod setting;
pub mod user;
