//! Products: what the company sells, with a `decimal(10,2)` price.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;

use crate::entities::product;
use crate::error::{DomainError, Result};
use crate::list::{Page, Paging, parse_sort};
use crate::money::{MAX_PRICE_CENTS, from_cents, to_cents};
use crate::repo::audit::{self, Change};
use crate::repo::products::{self as repo, ProductFilter};
use crate::rules::validate::{self, Problems};
use crate::services::customers::check_version;
use crate::services::snapshot;
use crate::time::{now, utc};
use crate::{Action, Actor};

/// A product as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Product {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub price: Decimal,
    pub active: bool,
    /// A free-text grouping such as "Tea"; marketing segments filter on it.
    pub category: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<product::Model> for Product {
    fn from(m: product::Model) -> Self {
        Self {
            id: m.id,
            sku: m.sku,
            name: m.name,
            description: m.description,
            price: from_cents(m.price_cents),
            active: m.active,
            category: m.category,
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            version: m.version,
        }
    }
}

/// The fields a product is created from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub price: Decimal,
    pub active: bool,
    pub category: Option<String>,
}

/// A partial update: `None` leaves a field alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductChanges {
    pub sku: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub price: Option<Decimal>,
    pub active: Option<bool>,
    pub category: Option<Option<String>>,
}

struct Valid {
    sku: String,
    name: String,
    description: Option<String>,
    price_cents: i64,
    active: bool,
    category: Option<String>,
}

fn validated(p: NewProduct) -> Result<Valid> {
    let mut problems = Problems::default();
    let sku = validate::required(&mut problems, "sku", &p.sku, 64);
    if !sku.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        problems.add("sku", "may contain only letters, digits, - _ and .");
    }
    let name = validate::required(&mut problems, "name", &p.name, 200);
    let description = validate::optional(&mut problems, "description", p.description.as_deref(), 10_000);
    let category = validate::optional(&mut problems, "category", p.category.as_deref(), 100);
    let price_cents = match to_cents(p.price) {
        Some(c) if (0..=MAX_PRICE_CENTS).contains(&c) => c,
        Some(_) => {
            problems.add("price", "must be between 0.00 and 99999999.99");
            0
        }
        None => {
            problems.add("price", "must have at most two decimal places");
            0
        }
    };
    problems.finish()?;
    Ok(Valid { sku, name, description, price_cents, active: p.active, category })
}

async fn check_sku_free(db: &impl ConnectionTrait, sku: &str, except: Option<i64>) -> Result<()> {
    match repo::id_by_sku(db, sku).await? {
        Some(id) if Some(id) != except => Err(DomainError::Duplicate {
            message: format!("product {id} already has the sku {sku}"),
            existing_id: Some(id),
        }),
        _ => Ok(()),
    }
}

fn dup(sku: &str) -> impl FnOnce() -> String + '_ {
    move || format!("a product already has the sku {sku}")
}

/// One product.
///
/// # Errors
/// `Forbidden`, `NotFound`, database failures.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Product> {
    actor.require(Action::ProductsRead)?;
    repo::find_live(db, id).await?.map(Product::from).ok_or(DomainError::NotFound("product"))
}

/// A page of products.
///
/// # Errors
/// `Forbidden`, `Invalid` sort or paging, database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ProductFilter,
    sort: Option<&str>,
    paging: &Paging,
) -> Result<Page<Product>> {
    actor.require(Action::ProductsRead)?;
    if filter.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
        return Err(DomainError::invalid("q", "must be at most 200 characters"));
    }
    if filter.category.as_deref().is_some_and(|c| c.chars().count() > 100) {
        return Err(DomainError::invalid("category", "must be at most 100 characters"));
    }
    let keys = parse_sort(sort, repo::SORT_FIELDS, repo::DEFAULT_SORT)?;
    let Paging::Offset { page, per_page, count } = *paging else {
        return Err(DomainError::invalid("cursor", "products are read in numbered pages"));
    };
    let (rows, total) = repo::list(db, filter, &keys, (page - 1) * per_page, per_page, count).await?;
    Ok(Page {
        items: rows.into_iter().map(Product::from).collect(),
        page: Some(page),
        per_page,
        total,
        total_capped: false,
        next_cursor: None,
    })
}

/// Creates a product.
///
/// # Errors
/// `Forbidden`, `Invalid`, `Duplicate` sku, database failures.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: NewProduct) -> Result<Product> {
    actor.require(Action::ProductsWrite)?;
    let v = validated(input)?;
    let txn = db.begin().await?;
    check_sku_free(&txn, &v.sku, None).await?;
    let at = now();
    let row = product::ActiveModel {
        sku_key: Set(Some(v.sku.to_lowercase())),
        sku: Set(v.sku.clone()),
        name: Set(v.name),
        description: Set(v.description),
        price_cents: Set(v.price_cents),
        active: Set(v.active),
        category: Set(v.category),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    };
    let id = product::Entity::insert(row)
        .exec(&txn)
        .await
        .map_err(|e| crate::repo::unique_violation(e, dup(&v.sku)))?
        .last_insert_id;
    let created: Product = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("product"))?.into();
    audit::record(
        &txn,
        actor,
        Change { entity: "product", entity_id: id, action: "create", before: None, after: snapshot(&created) },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes some fields of a product. `expected` is the caller's `If-Match` version.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, `Invalid`, `Duplicate`, database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    c: ProductChanges,
) -> Result<Product> {
    actor.require(Action::ProductsWrite)?;
    let txn = db.begin().await?;
    let before: Product = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("product"))?.into();
    check_version(expected, before.version)?;
    let v = validated(NewProduct {
        sku: c.sku.unwrap_or_else(|| before.sku.clone()),
        name: c.name.unwrap_or_else(|| before.name.clone()),
        description: c.description.unwrap_or_else(|| before.description.clone()),
        price: c.price.unwrap_or(before.price),
        active: c.active.unwrap_or(before.active),
        category: c.category.unwrap_or_else(|| before.category.clone()),
    })?;
    check_sku_free(&txn, &v.sku, Some(id)).await?;
    let res = product::Entity::update_many()
        .set(product::ActiveModel {
            sku_key: Set(Some(v.sku.to_lowercase())),
            sku: Set(v.sku.clone()),
            name: Set(v.name),
            description: Set(v.description),
            price_cents: Set(v.price_cents),
            active: Set(v.active),
            category: Set(v.category),
            updated_at: Set(now()),
            version: Set(before.version + 1),
            ..Default::default()
        })
        .filter(product::Column::Id.eq(id))
        .filter(product::Column::Version.eq(before.version))
        .exec(&txn)
        .await
        .map_err(|e| crate::repo::unique_violation(e, dup(&v.sku)))?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: before.version, current: before.version + 1 });
    }
    let after: Product = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("product"))?.into();
    audit::record(
        &txn,
        actor,
        Change {
            entity: "product",
            entity_id: id,
            action: "update",
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Soft-deletes a product: it leaves the list and its sku becomes free; past
/// documents that name it keep their copy.
///
/// # Errors
/// `Forbidden`, `NotFound`, `StaleVersion`, database failures.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64, expected: Option<i32>) -> Result<()> {
    actor.require(Action::ProductsWrite)?;
    let txn = db.begin().await?;
    let before: Product = repo::find_live(&txn, id).await?.ok_or(DomainError::NotFound("product"))?.into();
    check_version(expected, before.version)?;
    let res = product::Entity::update_many()
        .set(product::ActiveModel {
            deleted_at: Set(Some(now())),
            sku_key: Set(None),
            version: Set(before.version + 1),
            ..Default::default()
        })
        .filter(product::Column::Id.eq(id))
        .filter(product::Column::Version.eq(before.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DomainError::StaleVersion { expected: before.version, current: before.version + 1 });
    }
    audit::record(
        &txn,
        actor,
        Change { entity: "product", entity_id: id, action: "delete", before: snapshot(&before), after: None },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
