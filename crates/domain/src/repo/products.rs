//! Product queries.

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};

use crate::entities::product;
use crate::list::SortKey;
use crate::repo;

/// Sort fields of the product list.
pub const SORT_FIELDS: &[&str] = &["id", "sku", "name", "price", "created_at"];
/// The default order: by name.
pub const DEFAULT_SORT: SortKey = SortKey { field: "name", desc: false };

/// Conditions of the product list.
#[derive(Clone, Debug, Default)]
pub struct ProductFilter {
    /// Case-insensitive substring of sku or name.
    pub q: Option<String>,
    /// Only active (or only inactive) products.
    pub active: Option<bool>,
    /// Exact category.
    pub category: Option<String>,
}

fn column(field: &str) -> product::Column {
    match field {
        "sku" => product::Column::Sku,
        "name" => product::Column::Name,
        "price" => product::Column::PriceCents,
        "created_at" => product::Column::CreatedAt,
        _ => product::Column::Id,
    }
}

/// The live product with this id.
///
/// # Errors
/// Database failures.
pub async fn find_live(db: &impl ConnectionTrait, id: i64) -> Result<Option<product::Model>, DbErr> {
    product::Entity::find_by_id(id).filter(product::Column::DeletedAt.is_null()).one(db).await
}

/// The live product with this sku (compared lower-cased).
///
/// # Errors
/// Database failures.
pub async fn id_by_sku(db: &impl ConnectionTrait, sku: &str) -> Result<Option<i64>, DbErr> {
    let row = product::Entity::find().filter(product::Column::SkuKey.eq(sku.to_lowercase())).one(db).await?;
    Ok(row.map(|p| p.id))
}

/// One offset page of live products and the total.
///
/// # Errors
/// Database failures.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &ProductFilter,
    keys: &[SortKey],
    offset: u64,
    limit: u64,
    count: bool,
) -> Result<(Vec<product::Model>, Option<u64>), DbErr> {
    let mut q = product::Entity::find().filter(product::Column::DeletedAt.is_null());
    if let Some(c) = &f.category {
        q = q.filter(product::Column::Category.eq(c.clone()));
    }
    if let Some(text) = &f.q {
        let needle = text.to_lowercase();
        q = q.filter(
            Condition::any()
                .add(product::Column::SkuKey.like(repo::contains(&needle)))
                .add(repo::lower_contains(product::Column::Name, &needle)),
        );
    }
    if let Some(active) = f.active {
        q = q.filter(product::Column::Active.eq(active));
    }
    let total = if count { Some(q.clone().count(db).await?) } else { None };
    let cols: Vec<(product::Column, bool)> = keys.iter().map(|k| (column(k.field), k.desc)).collect();
    let rows = repo::order(q, &cols, product::Column::Id).offset(offset).limit(limit).all(db).await?;
    Ok((rows, total))
}
