//! Configuration from `RAPPORT_*` environment variables.

use std::path::PathBuf;

/// Server settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// `RAPPORT_DATABASE_URL`.
    pub database_url: String,
    /// `RAPPORT_BIND`.
    pub bind: String,
    /// `RAPPORT_JWT_SECRET`; when absent a secret is generated once and kept in the database.
    pub jwt_secret: Option<String>,
    /// `RAPPORT_STATIC_DIR`: the built single-page app.
    pub static_dir: PathBuf,
    /// `RAPPORT_WORKERS`: HTTP worker threads (default: one per CPU core).
    pub workers: Option<usize>,
}

/// The default database: a SQLite file under `data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/rapport.db?mode=rwc";

impl Config {
    /// Reads the environment, with defaults for everything.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Self {
            database_url: var("RAPPORT_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            bind: var("RAPPORT_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            jwt_secret: var("RAPPORT_JWT_SECRET"),
            static_dir: var("RAPPORT_STATIC_DIR").map_or_else(|| PathBuf::from("frontend/dist"), PathBuf::from),
            workers: var("RAPPORT_WORKERS").and_then(|w| w.parse().ok()).filter(|w| *w > 0),
        }
    }
}
