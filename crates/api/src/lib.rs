//! Rapport's HTTP face: routes, auth, problem+json errors, the OpenAPI document and
//! the `rapport` command line. Handlers are thin; the domain crate does the work.

pub mod access;
pub mod auth;
pub mod body;
pub mod cli;
pub mod config;
pub mod delivery;
pub mod dto;
pub mod error;
pub mod idempotency;
pub mod openapi;
pub mod routes;
pub mod security;
pub mod startup;
pub mod state;
pub mod throttle;
pub mod token_states;
pub mod wal;
pub mod webhooks;

pub use startup::{Application, connect, connect_reads, openapi};
