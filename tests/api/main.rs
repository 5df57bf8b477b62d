//! The HTTP API, black-box, on every configured database.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod activities;
mod analytics;
mod api_keys;
mod audit;
mod auth;
mod campaign_stats;
mod campaigns;
mod customers;
mod customers_io;
mod customers_list;
mod dashboard;
mod delivery;
mod forecast;
mod idempotency;
mod leads;
mod opportunities;
mod order_import;
mod orders;
mod platform;
mod products;
mod quote_lifecycle;
mod quotes;
mod recommendations;
mod rfm;
mod rfm_filter;
mod sales_rollups;
mod security;
mod security_headers;
mod segments;
mod service_rating;
mod service_requests;
mod users;
