//! Black-box test support: the real server on port 0 with a fresh database of its own.
//!
//! SQLite always; PostgreSQL and MySQL/MariaDB when `RAPPORT_TEST_POSTGRES_URL` and
//! `RAPPORT_TEST_MYSQL_URL` name a server (each test then creates and drops its own database).
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::sync::atomic::{AtomicU32, Ordering};

use rapport_api::Application;
use rapport_api::config::Config;
use rapport_domain::services::users::{self, NewUser};
use rapport_domain::{Actor, Role};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

pub mod outreach;

/// A database engine the suite runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

/// Every test user's password.
pub const PASSWORD: &str = "correct-horse-battery";

/// Runs `test` on one backend: generates the per-backend test functions.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::TestApp::spawn($crate::Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::TestApp::spawn($crate::Backend::Postgres).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                super::$name($crate::TestApp::spawn($crate::Backend::Mysql).await).await
            }
        }
    )*};
}

/// A database created for one test and dropped after it.
struct TestDb {
    backend: Backend,
    admin_url: String,
    name: String,
    url: String,
}

impl TestDb {
    async fn create(backend: Backend) -> Self {
        let name = format!("rapport_test_{}", uuid::Uuid::new_v4().simple());
        if backend == Backend::Sqlite {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            return Self { backend, admin_url: String::new(), name, url };
        }
        let var = match backend {
            Backend::Postgres => "RAPPORT_TEST_POSTGRES_URL",
            _ => "RAPPORT_TEST_MYSQL_URL",
        };
        let admin_url = std::env::var(var)
            .unwrap_or_else(|_| panic!("{var} is not set: `make test` runs this backend only when it is (see README)"));
        let admin = Database::connect(admin_url.as_str()).await.expect("connect to the test server");
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
        admin.close().await.ok();
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        Self { backend, admin_url, name, url }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.backend == Backend::Sqlite {
            let path = self.url.trim_start_matches("sqlite://").split('?').next().unwrap_or_default().to_owned();
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
            return;
        }
        let (admin_url, name, backend) = (self.admin_url.clone(), self.name.clone(), self.backend);
        // Drop cannot await: a thread with its own runtime removes the database.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                if let Ok(db) = Database::connect(admin_url.as_str()).await {
                    let sql = match backend {
                        Backend::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                        _ => format!("DROP DATABASE IF EXISTS {name}"),
                    };
                    let _ = db.execute_unprepared(&sql).await;
                    db.close().await.ok();
                }
            });
        })
        .join();
    }
}

/// The running application of one test.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// A direct connection, for setting up data and checking what was stored.
    pub db: DatabaseConnection,
    pub backend: Backend,
    client: reqwest::Client,
    users: AtomicU32,
    _db: TestDb,
}

/// A signed-in caller.
pub struct Session<'a> {
    app: &'a TestApp,
    /// The bearer token (JWT or API key).
    pub token: String,
    /// The user behind it (0 for API keys).
    pub user_id: i64,
}

impl TestApp {
    /// Starts the real server on a fresh database of `backend`.
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_serving(backend, "does-not-exist".into()).await
    }

    /// Like [`TestApp::spawn`], also serving a single-page app from `static_dir`.
    pub async fn spawn_serving(backend: Backend, static_dir: std::path::PathBuf) -> Self {
        Self::spawn_with(backend, |c| c.static_dir = static_dir).await
    }

    /// Like [`TestApp::spawn`], with the configuration adjusted by `adjust` (the delivery
    /// and webhook workers poll every 100 ms and retry after 100 ms unless changed).
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Self {
        let test_db = TestDb::create(backend).await;
        let db = rapport_api::connect(&test_db.url).await.expect("connect and migrate");
        let mut config = Config {
            database_url: test_db.url.clone(),
            bind: "127.0.0.1:0".into(),
            jwt_secret: Some("test-secret-test-secret-test-secret".into()),
            static_dir: "does-not-exist".into(),
            workers: Some(2),
            delivery: rapport_api::config::DeliveryConfig {
                poll: std::time::Duration::from_millis(100),
                retry_base: std::time::Duration::from_millis(100),
                ..Default::default()
            },
            webhooks: rapport_api::config::WebhookConfig {
                poll: std::time::Duration::from_millis(100),
                retry_base: std::time::Duration::from_millis(100),
                ..Default::default()
            },
            // Tests sign in many users from one address; the per-address limit has its own test.
            security: rapport_api::config::SecurityConfig { login_per_minute: 10_000, ..Default::default() },
        };
        adjust(&mut config);
        let app = Application::build_with(config, db.clone()).await.expect("build app");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run());
        Self {
            address,
            db,
            backend,
            client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            users: AtomicU32::new(0),
            _db: test_db,
        }
    }

    /// The database URL (for a second server process on the same database).
    pub fn database_url(&self) -> &str {
        &self._db.url
    }

    /// A request without credentials.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.address))
    }

    /// Creates an active user with `role` (password [`PASSWORD`]); returns (id, email).
    pub async fn create_user(&self, role: Role) -> (i64, String) {
        let n = self.users.fetch_add(1, Ordering::SeqCst);
        let email = format!("{}{n}@test.example.com", role.as_str());
        let input = NewUser { email: email.clone(), name: format!("Test {role} {n}"), role, password: PASSWORD.into() };
        let user = users::create(&self.db, &Actor::system(), input).await.expect("create user");
        (user.id, email)
    }

    /// Signs in through the API as a new user with `role`.
    pub async fn login_as(&self, role: Role) -> Session<'_> {
        let (user_id, email) = self.create_user(role).await;
        let res = self
            .request(Method::POST, "/api/v1/auth/login")
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "login as {role}");
        let body: Value = res.json().await.unwrap();
        Session { app: self, token: body["access_token"].as_str().unwrap().to_owned(), user_id }
    }

    /// A session with a raw bearer token (an API key, say).
    pub fn with_token(&self, token: &str) -> Session<'_> {
        Session { app: self, token: token.to_owned(), user_id: 0 }
    }
}

impl Session<'_> {
    /// A request with this session's bearer token.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.app.request(method, path).bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path).json(body).send().await.unwrap()
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path).json(body).send().await.unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path).send().await.unwrap()
    }

    /// Creates a customer and returns its body, asserting 201.
    pub async fn create_customer(&self, body: Value) -> Value {
        let res = self.post("/api/v1/customers", &body).await;
        let status = res.status();
        let json: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{json}");
        json
    }
}

/// Status and JSON body of a response.
pub async fn read(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, body)
}

/// Asserts a problem+json response with `status` and `code`; returns the body.
pub async fn assert_problem(res: Response, status: StatusCode, code: &str) -> Value {
    let content_type = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    let (got, body) = read(res).await;
    assert_eq!(got, status, "{body}");
    assert_eq!(content_type.as_deref(), Some("application/problem+json"), "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16(), "{body}");
    body
}
