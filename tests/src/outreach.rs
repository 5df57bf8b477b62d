//! Real receivers for what campaigns send: an SMTP server (Python's aiosmtpd, started as
//! a child process) and an HTTP SMS gateway (actix-web, in-process), and the Rapport
//! binary itself as a child process that a test may kill.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::Value;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// An SMTP server on 127.0.0.1 that stores what it accepts.
pub struct SmtpSink {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

impl SmtpSink {
    /// Starts the server; it refuses the first `fail_first` messages with a temporary
    /// 451 and holds each accepted message `delay_ms` before answering.
    pub fn start(fail_first: u32, delay_ms: u32) -> Self {
        let python = std::env::var("RAPPORT_TEST_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|_| workspace().join(".venv-test/bin/python"));
        assert!(
            python.exists(),
            "{} is missing: scripts/test-rust.sh (make test) creates it with aiosmtpd",
            python.display()
        );
        let dir = std::env::temp_dir().join(format!("rapport-smtp-{}", uuid::Uuid::new_v4().simple()));
        let mut child = Command::new(python)
            .arg(workspace().join("tests/support/smtp_sink.py"))
            .arg(&dir)
            .args(["--fail-first", &fail_first.to_string(), "--delay-ms", &delay_ms.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("SMTP sink port");
        let port = line.trim().parse().unwrap_or_else(|_| panic!("SMTP sink printed {line:?}, not a port"));
        Self { port, dir, child }
    }

    /// `smtp://127.0.0.1:<port>` (plain SMTP, no TLS).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The raw messages received so far, in order.
    pub fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files.into_iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
    }

    /// Waits until at least `n` messages arrived (panics after `within`).
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<String> {
        let start = Instant::now();
        loop {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            assert!(start.elapsed() < within, "only {} of {n} messages arrived within {within:?}", got.len());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A header's value in a raw message (first occurrence, unfolded).
pub fn header(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or(raw);
    let mut out: Option<String> = None;
    for line in head.split("\r\n") {
        if let Some(v) = out.as_mut() {
            if line.starts_with([' ', '\t']) {
                v.push_str(line.trim_start());
                continue;
            }
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case(name)
        {
            out = Some(v.trim().to_owned());
        }
    }
    out
}

/// An HTTP SMS gateway on 127.0.0.1 that records each JSON body; it answers 503 to the
/// first `fail_first` requests.
pub struct SmsGateway {
    pub url: String,
    pub received: Arc<Mutex<Vec<Value>>>,
    handle: actix_web::dev::ServerHandle,
}

impl SmsGateway {
    pub fn start(fail_first: usize) -> Self {
        let received: Arc<Mutex<Vec<Value>>> = Arc::default();
        let calls = Arc::new(Mutex::new(0usize));
        let (r, c) = (received.clone(), calls.clone());
        let server = HttpServer::new(move || {
            let (r, c) = (r.clone(), c.clone());
            App::new().route(
                "/sms",
                web::post().to(move |body: web::Json<Value>| {
                    let (r, c) = (r.clone(), c.clone());
                    async move {
                        let mut n = c.lock().unwrap();
                        *n += 1;
                        if *n <= fail_first {
                            return HttpResponse::ServiceUnavailable().finish();
                        }
                        r.lock().unwrap().push(body.into_inner());
                        HttpResponse::Accepted().finish()
                    }
                }),
            )
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self { url: format!("http://127.0.0.1:{port}/sms"), received, handle }
    }
}

impl Drop for SmsGateway {
    fn drop(&mut self) {
        let h = self.handle.clone();
        tokio::spawn(async move { h.stop(false).await });
    }
}

/// The `rapport serve` binary as a child process (built by scripts/test-rust.sh).
pub struct ServerProcess {
    child: Child,
}

impl ServerProcess {
    /// Starts `rapport serve` with these extra environment variables.
    pub fn start(database_url: &str, env: &[(&str, String)]) -> Self {
        let target = std::env::var("CARGO_TARGET_DIR").map_or_else(|_| workspace().join("target"), PathBuf::from);
        let bin = target.join("debug/rapport");
        assert!(bin.exists(), "{} is missing: scripts/test-rust.sh builds it before the tests", bin.display());
        let mut cmd = Command::new(bin);
        cmd.arg("serve")
            .env("RAPPORT_DATABASE_URL", database_url)
            .env("RAPPORT_BIND", "127.0.0.1:0")
            .env("RAPPORT_JWT_SECRET", "test-secret-test-secret-test-secret")
            .env("RAPPORT_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        Self { child: cmd.spawn().expect("start rapport serve") }
    }

    /// Starts `rapport serve` on a free port it names; returns once `/ready` answers.
    pub async fn start_http(database_url: &str, env: &[(&str, String)]) -> (Self, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut env = env.to_vec();
        env.push(("RAPPORT_BIND", format!("127.0.0.1:{port}")));
        let server = Self::start(database_url, &env);
        let address = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if client.get(format!("{address}/ready")).send().await.is_ok_and(|r| r.status().is_success()) {
                return (server, address);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("rapport serve did not get ready at {address}");
    }

    /// Sends SIGTERM (a graceful stop).
    pub fn terminate(&self) {
        let ok = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().unwrap().success();
        assert!(ok, "kill -TERM");
    }

    /// Waits for the process to end by itself; its exit status.
    pub fn wait_exit(mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(std::time::Instant::now() < deadline, "the server did not stop within {within:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no shutdown, no cleanup — a crash.
    pub fn kill(mut self) {
        self.child.kill().expect("kill the server");
        self.child.wait().ok();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
