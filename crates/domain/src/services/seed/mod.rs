//! Demo data: realistic users, customers, products and sales history, the same for the same seed.

mod marketing;
mod pipeline;
mod sales;
mod service;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QuerySelect, Statement,
    TransactionTrait,
};

use crate::entities::{customer, product};
use crate::error::Result;
use crate::repo::customer_search::Deferred;
use crate::repo::customers as customer_repo;
use crate::repo::users as user_repo;
use crate::services::users::{self, NewUser};
use crate::time::now;
use crate::{Actor, Role};

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct SeedOptions {
    /// How many customers to add.
    pub customers: u64,
    /// The random seed: the same seed gives the same data.
    pub seed: u64,
}

/// A demo login.
#[derive(Clone, Debug)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub role: Role,
}

/// What was generated.
#[derive(Clone, Debug)]
pub struct SeedReport {
    /// Every demo login (also those that existed before).
    pub logins: Vec<DemoLogin>,
    /// Customers added.
    pub customers: u64,
    /// Products added.
    pub products: u64,
    /// Sales records added.
    pub sales: sales::SalesCounts,
    /// Segments and campaigns added (only into a database without segments).
    pub marketing: marketing::MarketingCounts,
}

const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("admin@rapport.local", "Ada Admin", Role::Admin),
    ("manager@rapport.local", "Wang Fang", Role::Manager),
    ("sales@rapport.local", "Li Na", Role::Sales),
    ("sales2@rapport.local", "Tom Baker", Role::Sales),
    ("marketing@rapport.local", "Zhang Min", Role::Marketing),
    ("support@rapport.local", "Sam Carter", Role::Support),
];

const SURNAMES_ZH: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"];
const GIVEN_ZH: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
    "晓东", "海燕",
];
const PINYIN: &[&str] =
    &["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu"];
const FIRST_EN: &[&str] = &[
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Emma", "Oliver", "Sophia",
    "Daniel", "Grace", "Lucas",
];
const LAST_EN: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Moore", "Clark", "Walker", "Hall", "Young", "King",
    "Wright", "Scott", "Green",
];
const CITIES_ZH: &[&str] =
    &["Shenzhen", "Shanghai", "Beijing", "Guangzhou", "Hangzhou", "Chengdu", "Wuhan", "Nanjing", "Xi'an", "Suzhou"];
const CITIES_EN: &[&str] =
    &["London", "New York", "Singapore", "Sydney", "Toronto", "Berlin", "San Francisco", "Manchester"];
const STREETS: &[&str] = &[
    "Nanshan Road",
    "Huaihai Road",
    "Chang'an Avenue",
    "Tianhe Road",
    "High Street",
    "Main Street",
    "Orchard Road",
    "King Street",
];
const COMPANIES: &[&str] = &[
    "Huawei",
    "Tencent",
    "BYD",
    "DJI",
    "Acme Ltd",
    "Globex",
    "Initech",
    "Umbrella Trading",
    "Pearl River Foods",
    "Lotus Design",
];
const TAGS: &[&str] = &["vip", "b2b", "newsletter", "wholesale", "retail", "partner", "trade-show"];
const SOURCES: &[&str] = &["web", "referral", "event", "campaign", "import", "other"];
const PRODUCTS: &[(&str, &str, i64)] = &[
    ("Rapport Cloud Basic (monthly)", "Hosted CRM for up to 5 users", 29_900),
    ("Rapport Cloud Pro (monthly)", "Hosted CRM for up to 50 users", 99_900),
    ("On-site installation", "One day of installation work", 480_000),
    ("Training workshop", "Half-day team training", 150_000),
    ("Data migration", "Import from another CRM", 320_000),
    ("Premium support (yearly)", "Four-hour response time", 1_200_000),
    ("Barcode scanner", "USB scanner for the front desk", 45_900),
    ("Receipt printer", "Thermal printer, 80 mm", 89_900),
    ("Tablet stand", "Aluminium counter stand", 19_900),
    ("Custom report pack", "Five custom reports", 250_000),
    ("SMS bundle 10k", "Ten thousand SMS credits", 60_000),
    ("Email bundle 100k", "One hundred thousand emails", 35_000),
    ("Green tea gift box", "Longjing tea, 250 g", 16_800),
    ("Mooncake gift set", "Eight mooncakes, assorted", 23_800),
    ("Silk scarf", "Hangzhou silk, 90 cm", 39_900),
    ("Porcelain tea set", "Jingdezhen, six cups", 128_000),
    ("Office chair", "Ergonomic mesh chair", 159_900),
    ("Standing desk", "Electric, 140 cm", 329_900),
    ("Noise-cancelling headset", "For call-centre staff", 99_000),
    ("Conference speaker", "Bluetooth, 360°", 69_900),
];

/// The demo logins that [`seed`] creates (their passwords are `<name>-demo-pass`).
pub fn demo_logins() -> Vec<DemoLogin> {
    DEMO_USERS
        .iter()
        .map(|(email, _, role)| DemoLogin {
            email: (*email).into(),
            password: format!("{}-demo-pass", email.split('@').next().unwrap_or("user")),
            role: *role,
        })
        .collect()
}

fn customer_row(
    rng: &mut StdRng,
    id: i64,
    owners: &[i64],
    today: NaiveDate,
    now: NaiveDateTime,
) -> (customer::ActiveModel, Vec<String>) {
    let chinese = rng.random_bool(0.6);
    let (name, local, city) = if chinese {
        let s = rng.random_range(0..SURNAMES_ZH.len());
        let g = GIVEN_ZH.choose(rng).copied().unwrap_or("伟");
        (
            format!("{}{}", SURNAMES_ZH[s], g),
            format!("{}.{id}", PINYIN[s]),
            CITIES_ZH.choose(rng).copied().unwrap_or("Shenzhen"),
        )
    } else {
        let f = FIRST_EN.choose(rng).copied().unwrap_or("Emma");
        let l = LAST_EN.choose(rng).copied().unwrap_or("Smith");
        (
            format!("{f} {l}"),
            format!("{}.{}{id}", f.to_lowercase(), l.to_lowercase()),
            CITIES_EN.choose(rng).copied().unwrap_or("London"),
        )
    };
    let email = rng.random_bool(0.9).then(|| format!("{local}@example.com"));
    let phone = rng.random_bool(0.85).then(|| {
        if chinese {
            format!(
                "+86 13{} {:04} {:04}",
                rng.random_range(0..10),
                rng.random_range(0..10_000),
                rng.random_range(0..10_000)
            )
        } else {
            format!("+44 20 {:04} {:04}", rng.random_range(0..10_000), rng.random_range(0..10_000))
        }
    });
    let birthday = rng.random_bool(0.7).then(|| today - Duration::days(rng.random_range(18 * 365..80 * 365)));
    let created = now - Duration::seconds(rng.random_range(0..3 * 365 * 86_400));
    let owner = if owners.is_empty() || rng.random_bool(0.2) { None } else { owners.choose(rng).copied() };
    let tags: Vec<String> = TAGS.iter().filter(|_| rng.random_bool(0.15)).map(|t| (*t).to_owned()).collect();
    let row = customer::ActiveModel {
        id: Set(id),
        name_lower: Set(name.to_lowercase()),
        name: Set(name),
        email_key: Set(email.clone()),
        email: Set(email),
        phone: Set(phone),
        address: Set(Some(format!(
            "{} {}",
            rng.random_range(1..999),
            STREETS.choose(rng).copied().unwrap_or("Main Street")
        ))),
        birthday_month: Set(customer_repo::birthday_month(birthday)),
        birthday: Set(birthday),
        company: Set(rng.random_bool(0.4).then(|| COMPANIES.choose(rng).copied().unwrap_or("Acme Ltd").to_owned())),
        city: Set(Some(city.to_owned())),
        owner_id: Set(owner),
        source: Set(SOURCES.choose(rng).map(|s| (*s).to_owned())),
        notes: Set(None),
        created_at: Set(created),
        updated_at: Set(created),
        deleted_at: Set(None),
        version: Set(1),
    };
    (row, tags)
}

async fn max_id(db: &impl ConnectionTrait) -> Result<i64> {
    let max: Option<Option<i64>> = customer::Entity::find()
        .select_only()
        .column_as(customer::Column::Id.max(), "max_id")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// PostgreSQL's sequence does not see explicit ids; move it past them.
async fn resync_sequence(db: &impl ConnectionTrait, table: &str) -> Result<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
            ),
        ))
        .await?;
    }
    Ok(())
}

/// Adds demo users (one per role, with known passwords), products and `customers`
/// customers. Users and products that exist already are kept.
///
/// # Errors
/// Database failures.
pub async fn seed(db: &DatabaseConnection, opts: SeedOptions) -> Result<SeedReport> {
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let logins = demo_logins();
    let mut owners = Vec::new();
    let mut agents = Vec::new();
    let mut marketer = Actor::system();
    for (login, (_, name, _)) in logins.iter().zip(DEMO_USERS) {
        let user = match user_repo::by_email(db, &login.email).await? {
            Some(u) => u.id,
            None => {
                let input = NewUser {
                    email: login.email.clone(),
                    name: (*name).into(),
                    role: login.role,
                    password: login.password.clone(),
                };
                users::create_demo(db, input).await?.id
            }
        };
        match login.role {
            Role::Sales => owners.push(user),
            Role::Support => agents.push(user),
            Role::Marketing => marketer = Actor::user(user, Role::Marketing),
            _ => {}
        }
    }

    let mut products = 0;
    let at = now();
    for (i, (name, description, cents)) in PRODUCTS.iter().enumerate() {
        let sku = format!("RP-{:04}", i + 1);
        if crate::repo::products::id_by_sku(db, &sku).await?.is_some() {
            continue;
        }
        product::Entity::insert(product::ActiveModel {
            sku_key: Set(Some(sku.to_lowercase())),
            sku: Set(sku),
            name: Set((*name).into()),
            description: Set(Some((*description).into())),
            price_cents: Set(*cents),
            active: Set(true),
            created_at: Set(at),
            updated_at: Set(at),
            deleted_at: Set(None),
            version: Set(1),
            ..Default::default()
        })
        .exec(db)
        .await?;
        products += 1;
    }

    let today = at.date();
    let catalogue = sales::Catalogue::load(db).await?;
    let mut sales = sales::Generator::start(db, &owners, &agents, catalogue, at).await?;
    let first_id = max_id(db).await? + 1;
    let mut next_id = first_id;
    let mut remaining = opts.customers;
    const BATCH: u64 = 1000;
    // The planner's statistics are refreshed each time the seeded rows double: a batch's
    // statements select its customers' orders by range, and on PostgreSQL without
    // autovacuum, statistics of the first batches make it scan every order instead.
    let mut analyze_at = 20_000;
    while remaining > 0 {
        let txn = db.begin().await?;
        let mut search = Deferred::start(&txn).await?;
        // Twenty batches per transaction: few commits, bounded memory.
        for _ in 0..20 {
            if remaining == 0 {
                break;
            }
            let n = remaining.min(BATCH);
            let mut rows = Vec::with_capacity(n as usize);
            let mut tags = Vec::new();
            let mut owners_of = Vec::with_capacity(n as usize);
            let first_of_batch = next_id;
            for _ in 0..n {
                let (row, t) = customer_row(&mut rng, next_id, &owners, today, at);
                tags.extend(t.into_iter().map(|t| (next_id, t)));
                let owner = if let Set(o) = &row.owner_id { *o } else { None };
                owners_of.push((next_id, owner));
                rows.push(row);
                next_id += 1;
            }
            customer::Entity::insert_many(rows).exec(&txn).await?;
            search.inserted(first_of_batch..next_id);
            customer_repo::insert_tags(&txn, tags).await?;
            sales.orders_for(&txn, &mut rng, &owners_of).await?;
            remaining -= n;
        }
        search.index(&txn).await?;
        txn.commit().await?;
        if remaining > 0 && opts.customers - remaining >= analyze_at {
            crate::repo::refresh_statistics(db).await?;
            analyze_at *= 2;
        }
    }
    let counts = sales.finish(db, &mut rng, first_id..next_id).await?;
    for table in ["customers", "orders", "order_lines", "leads", "opportunities", "quotes", "quote_lines", "activities"]
    {
        resync_sequence(db, table).await?;
    }
    let marketing = marketing::marketing(db, &marketer).await?;
    crate::repo::after_bulk_load(db).await?;
    Ok(SeedReport { logins, customers: opts.customers, products, sales: counts, marketing })
}

#[cfg(test)]
mod tests;
