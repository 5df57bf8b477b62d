use clap::Parser;
use rapport_api::cli::{Cli, run};
use rapport_api::config::Config;
use tracing_subscriber::EnvFilter;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_env("RAPPORT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // JSON lines; the request span (with its request_id) rides on every line logged inside it.
    tracing_subscriber::fmt().json().with_env_filter(filter).with_current_span(true).with_span_list(false).init();
    run(Cli::parse(), Config::from_env()).await
}
