//! sea-orm entities: one module per table, plain data without behaviour.

pub mod api_key;
pub mod audit_log;
pub mod customer;
pub mod customer_tag;
pub mod product;
pub mod refresh_token;
pub mod setting;
pub mod user;
