//! The `rapport` command line.

use clap::{Parser, Subcommand};
use rapport_domain::repo::users as user_repo;
use rapport_domain::services::seed::{self, SeedOptions};
use rapport_domain::services::users::{self, NewUser};
use rapport_domain::{Actor, Role};

use crate::config::Config;
use crate::startup::{Application, connect, openapi, redact};

/// Rapport CRM server.
#[derive(Debug, Parser)]
#[command(name = "rapport", version, about = "Rapport CRM: the server, its database and its demo data")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do (default: serve).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the API and the app (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Add demo users, products and customers (deterministic for a seed).
    Seed {
        /// How many customers to add (100 to 1 000 000).
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
        customers: u64,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Do nothing when the database already has users.
        #[arg(long)]
        if_empty: bool,
    },
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Print the OpenAPI document (what `make openapi` writes to openapi/openapi.json).
    Openapi,
    /// Print the role × operation matrix (Markdown) that the server enforces.
    RoleMatrix,
}

/// Administrator commands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin user.
    Create {
        #[arg(long)]
        email: String,
        /// At least 12 characters.
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
}

/// The OpenAPI document as committed: pretty JSON with a trailing newline.
///
/// # Errors
/// When serialisation fails.
pub fn openapi_json() -> anyhow::Result<String> {
    Ok(format!("{}\n", serde_json::to_string_pretty(&openapi())?))
}

fn print_logins(logins: &[seed::DemoLogin], heading: &str) {
    println!("{heading}");
    for l in logins {
        println!("  {:<10} {:<26} {}", l.role.as_str(), l.email, l.password);
    }
}

/// Runs a parsed command line.
///
/// # Errors
/// Whatever the command fails with.
pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            tracing::info!(database = %redact(&config.database_url), bind = %config.bind, "starting");
            let app = Application::build(config.clone()).await?;
            let host = config.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
            println!("Rapport is running:");
            println!("  app      http://{host}:{}/", app.port());
            println!("  API docs http://{host}:{}/docs/", app.port());
            app.run().await?;
        }
        Command::Migrate => {
            connect(&config.database_url).await?;
            println!("migrations applied to {}", redact(&config.database_url));
        }
        Command::Seed { customers, seed: s, if_empty } => {
            let db = connect(&config.database_url).await?;
            if if_empty && user_repo::any(&db).await? {
                println!("the database already has users; no demo data added");
                print_logins(&seed::demo_logins(), "demo logins (unless changed since):");
                return Ok(());
            }
            let started = std::time::Instant::now();
            let report = seed::seed(&db, SeedOptions { customers, seed: s }).await?;
            let s = report.sales;
            println!(
                "seeded {} customers, {} products, {} orders ({} lines), {} leads, {} opportunities, {} quotes, {} activities, {} service requests, {} segments, {} campaigns in {:.1} s",
                report.customers,
                report.products,
                s.orders,
                s.order_lines,
                s.leads,
                s.opportunities,
                s.quotes,
                s.activities,
                s.service_requests,
                report.marketing.segments,
                report.marketing.campaigns,
                started.elapsed().as_secs_f64()
            );
            print_logins(&report.logins, "demo logins:");
        }
        Command::Admin { command: AdminCommand::Create { email, password, name } } => {
            let db = connect(&config.database_url).await?;
            let u = users::create(&db, &Actor::system(), NewUser { email, name, role: Role::Admin, password }).await?;
            println!("admin {} created with id {}", u.email, u.id);
        }
        Command::Openapi => print!("{}", openapi_json()?),
        Command::RoleMatrix => print!("{}", crate::openapi::role_matrix(&crate::openapi())),
    }
    Ok(())
}
