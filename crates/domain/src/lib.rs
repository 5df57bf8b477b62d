//! Rapport's business core: entities, pure rules, repositories and services.
//!
//! Nothing here knows about HTTP. A service takes a database connection and an
//! [`Actor`](rules::access::Actor), applies the rules, writes the audit entry in
//! the same transaction and returns plain types or a [`DomainError`].

pub mod entities;
pub mod error;
pub mod list;
pub mod money;
pub mod repo;
pub mod rules;
pub mod services;
pub mod time;

pub use error::{DomainError, FieldError, Result};
pub use rules::access::{Action, Actor, Role, Scope};
