//! Building the application: one `create_app` for `main` and for the tests.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use actix_files::{Files, NamedFile};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse, fn_service};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use anyhow::Context;
use rapport_domain::repo::settings;
use rapport_domain::services::auth::random_token;
use rapport_domain::services::campaigns::render::TrackingBase;
use rapport_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};
use tokio::sync::Notify;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::JwtKeys;
use crate::config::Config;
use crate::delivery::Worker;
use crate::error;
use crate::openapi::{ApiDoc, document_roles, tighten};
use crate::routes;
use crate::security;
use crate::state::AppState;
use crate::throttle::LoginThrottle;
use crate::wal::Checkpointer;

/// Largest JSON body.
pub const JSON_LIMIT: usize = 1024 * 1024;
/// Largest raw body, except on the import route.
pub const PAYLOAD_LIMIT: usize = 50 * 1024 * 1024;
/// Largest CSV import ([`crate::body::IMPORT_PATH`]). A million customers of a typical
/// file are 70–90 MB. The file is kept whole while it is checked and then written in
/// batches (memory: about the file, the emails of its rows and one batch), so this
/// limit also bounds what one import holds.
pub const IMPORT_LIMIT: usize = 200 * 1024 * 1024;

/// Connections of the SQLite read pool (see [`connect_reads`]). Reads run in parallel
/// on them while writes queue for the one writer; more than the cores keeps a slow
/// report from holding up quick lookups.
pub const SQLITE_READERS: u32 = 8;

/// Opens the database (creating a SQLite file's directory) and runs pending migrations.
///
/// On SQLite this is the one writer: a single connection in WAL mode, so read-then-write
/// transactions never fail with `SQLITE_BUSY`. Reads get a pool of their own
/// ([`connect_reads`]).
///
/// # Errors
/// When the database cannot be reached or migrated.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let file = path.split('?').next().unwrap_or_default();
        if let Some(dir) = Path::new(file).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false);
    if url.starts_with("sqlite") {
        // A 64 MiB page cache (the default is 2 MiB), 256 MiB during bulk imports: a large
        // import touches every index of the tables it fills, and pages that do not fit
        // are written and read back (`repo::page_cache`).
        opts.max_connections(1).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .pragma("cache_size", format!("-{}", rapport_domain::repo::page_cache::WRITER_KIB))
        });
    } else {
        opts.max_connections(16);
    }
    let db = Database::connect(opts).await.with_context(|| format!("connecting to {}", redact(url)))?;
    if db.get_database_backend() == DbBackend::Sqlite && !in_memory(url) {
        rapport_domain::repo::page_cache::limit_heap(&db).await.context("limiting SQLite's memory")?;
    }
    Migrator::up(&db, None).await.context("running migrations")?;
    Ok(db)
}

/// The connections reads go through. On a SQLite file: a pool of [`SQLITE_READERS`]
/// connections that may only read (`query_only`), beside the writer that `connect`
/// opened; WAL lets them read while it writes, and each read sees every write committed
/// before it began. Elsewhere (and for an in-memory SQLite database, which a second
/// pool could not see) the writer's own pool, which already serves many connections.
///
/// # Errors
/// When the database cannot be reached.
pub async fn connect_reads(url: &str, writer: &DatabaseConnection) -> anyhow::Result<DatabaseConnection> {
    if writer.get_database_backend() != DbBackend::Sqlite || in_memory(url) {
        return Ok(writer.clone());
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    // An 8 MiB page cache each, so that the pool stays well inside the memory budget.
    opts.sqlx_logging(false)
        .max_connections(SQLITE_READERS)
        .map_sqlx_sqlite_opts(|o| o.foreign_keys(true).pragma("cache_size", "-8192").pragma("query_only", "ON"));
    Database::connect(opts).await.with_context(|| format!("connecting readers to {}", redact(url)))
}

/// Whether a SQLite URL names an in-memory database (one per connection, pages never
/// reread from a file).
pub(crate) fn in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***{}", &url[..s], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The access-token secret: from the configuration, or generated once and kept in the
/// database so that restarts (and other instances) accept the same tokens.
///
/// # Errors
/// Database failures.
pub async fn jwt_secret(db: &DatabaseConnection, configured: Option<&str>) -> anyhow::Result<String> {
    match configured {
        Some(s) => Ok(s.to_owned()),
        None => Ok(settings::get_or_insert(db, "jwt_secret", format!("{}{}", random_token(), random_token())).await?),
    }
}

/// The OpenAPI document of every registered operation.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(scope("/api/v1").configure(routes::api_v1))
        .configure(routes::public)
        .split_for_parts();
    document_roles(&mut doc);
    tighten(&mut doc);
    doc
}

fn metrics() -> anyhow::Result<PrometheusMetrics> {
    PrometheusMetricsBuilder::new("rapport")
        .endpoint("/metrics")
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|e| anyhow::anyhow!("metrics: {e}"))
}

async fn spa_index(req: ServiceRequest) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    let path = req.path();
    let reserved = ["/api/", "/api-docs/", "/docs", "/t/", "/rate/"];
    if reserved.iter().any(|p| path.starts_with(p)) {
        let res = error::unrouted(&req);
        return Ok(ServiceResponse::new(req, res));
    }
    let dir = req.app_data::<web::Data<Config>>().map(|c| c.static_dir.join("index.html")).unwrap_or_default();
    let file = NamedFile::open(dir)?;
    let res = file.into_response(&req);
    Ok(ServiceResponse::new(req, res))
}

/// A running server and the port it listens on.
pub struct Application {
    port: u16,
    server: Server,
    worker: Option<Worker>,
    webhook_worker: Option<crate::webhooks::Worker>,
    checkpointer: Option<Checkpointer>,
}

impl Application {
    /// Connects, migrates, binds (port 0 picks a free port) and prepares the server.
    ///
    /// # Errors
    /// When the database or the address is unusable.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = connect(&config.database_url).await?;
        Self::build_with(config, db).await
    }

    /// Like [`Application::build`] on an open, migrated database.
    ///
    /// # Errors
    /// When the address is unusable.
    pub async fn build_with(config: Config, db: DatabaseConnection) -> anyhow::Result<Self> {
        let read = connect_reads(&config.database_url, &db).await?;
        let checkpointer = Checkpointer::start(&config.database_url, &db).await?;
        rapport_domain::services::service_requests::rating::ensure_secret(&db).await?;
        let secret = jwt_secret(&db, config.jwt_secret.as_deref()).await?;
        let listener = TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let public = config.delivery.public_url.clone().unwrap_or_else(|| {
            let host = config.bind.rsplit_once(':').map_or(config.bind.as_str(), |(h, _)| h);
            format!("http://{host}:{port}")
        });
        let tracking = TrackingBase(public);
        let wake = Arc::new(Notify::new());
        let worker = if config.delivery.worker {
            Some(Worker::spawn(db.clone(), config.delivery.clone(), tracking.clone(), wake.clone())?)
        } else {
            None
        };
        let webhook_worker =
            config.webhooks.worker.then(|| crate::webhooks::Worker::spawn(db.clone(), config.webhooks.clone()));
        let sec = &config.security;
        let jwt = JwtKeys::with_claims(secret.as_bytes(), &sec.jwt_issuer, &sec.jwt_audience);
        let creates = rapport_domain::services::customers::Creates::start(db.clone());
        let state = AppState { db, read, jwt, tracking, wake, token_states: Arc::default(), creates };
        let throttle = web::Data::new(LoginThrottle::new(sec));
        let spec = openapi();
        let known = web::Data::new(error::KnownPaths::from_spec(&spec));
        let operations = crate::access::OperationTable::from_doc(&spec);
        let prometheus = metrics()?;
        let spa = config.static_dir.join("index.html").is_file();
        let workers = config.workers;
        let mut server = HttpServer::new(move || {
            let (app, _) = App::new()
                .app_data(web::Data::new(state.clone()))
                .app_data(web::Data::new(config.clone()))
                .app_data(web::Data::new(operations.clone()))
                .app_data(web::JsonConfig::default().limit(JSON_LIMIT).error_handler(error::json_error))
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(web::PayloadConfig::default().limit(PAYLOAD_LIMIT))
                .app_data(throttle.clone())
                .app_data(known.clone())
                // Inner to outer: whole-number JSON, idempotency, the role check, auditing of
                // denials, CORS, headers.
                .wrap(from_fn(crate::dto::whole_numbers))
                .wrap(from_fn(crate::idempotency::middleware))
                .wrap(from_fn(crate::access::middleware))
                .wrap(from_fn(security::audit_denials))
                .wrap(security::cors(&config.security.cors_origins))
                .wrap(security::headers())
                .wrap(prometheus.clone())
                .wrap(TracingLogger::default())
                .into_utoipa_app()
                .service(scope("/api/v1").configure(routes::api_v1).default_service(web::to(error::not_found)))
                .configure(routes::public)
                .split_for_parts();
            // The public pages' prefixes answer like the API (404 / 405 problems), never the SPA.
            let app = app
                .service(web::scope("/rate").default_service(web::to(error::not_found)))
                .service(web::scope("/t").default_service(web::to(error::not_found)))
                .service(routes::health::health)
                .service(routes::health::ready)
                .service(web::redirect("/docs", "/docs/"))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", spec.clone()));
            if spa {
                app.service(
                    Files::new("/", config.static_dir.clone())
                        .index_file("index.html")
                        .default_handler(fn_service(spa_index)),
                )
            } else {
                app.default_service(web::to(error::not_found))
            }
        })
        .shutdown_timeout(30);
        if let Some(n) = workers {
            server = server.workers(n);
        }
        let server = server.listen(listener)?.run();
        Ok(Self { port, server, worker, webhook_worker, checkpointer })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or SIGINT, then drains in-flight requests (up to 30 s), lets
    /// the delivery and webhook workers finish the message in hand (up to 30 s) and stops
    /// the SQLite checkpointer.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(w) = self.worker {
            w.shutdown(std::time::Duration::from_secs(30)).await;
        }
        if let Some(w) = self.webhook_worker {
            w.shutdown(std::time::Duration::from_secs(30)).await;
        }
        if let Some(c) = self.checkpointer {
            c.shutdown().await;
        }
        served
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact("sqlite://data/rapport.db?mode=rwc"), "sqlite://data/rapport.db?mode=rwc");
    }
}
