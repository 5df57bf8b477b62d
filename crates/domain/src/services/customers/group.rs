//! Group commit for customer creates: creates that arrive while the writer is busy wait
//! together and are written as one group, in one transaction with multi-row inserts
//! (the statements of an import), instead of six statements each.
//!
//! Every create in a group gets exactly what [`super::create`] would give it: the same
//! checks, errors, row, tags, audit entry and `customer.created` event. Two creates of
//! one email never share a group (the second waits for the next, where the first is
//! found). When writing a group fails, each of its creates is made again on its own, so
//! that one bad create fails alone and with its own error.

use std::collections::{BTreeSet, HashSet, VecDeque};

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use sea_orm::{Statement, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use super::{Customer, NewCustomer, customer_row};
use crate::Actor;
use crate::entities::user;
use crate::error::{DomainError, Result};
use crate::repo::batch::execute_all;
use crate::repo::customers as repo;
use crate::services::webhooks::Subscribers;
use crate::time::now;

/// The most creates written as one group.
const MAX_GROUP: usize = 256;
/// Creates waiting for the writer before new ones wait for room.
const QUEUE: usize = 4096;

/// A create waiting for its group.
struct Job {
    actor: Actor,
    input: NewCustomer,
    reply: oneshot::Sender<Result<Customer>>,
}

impl Job {
    fn email_key(&self) -> Option<String> {
        self.input.email.as_ref().map(|e| e.to_lowercase())
    }
}

/// Where creates are queued for the group writer of one database.
#[derive(Clone, Debug)]
pub struct Creates {
    queue: mpsc::Sender<Job>,
}

impl Creates {
    /// Starts the group writer of `db` on the current Tokio runtime; it runs until every
    /// clone of the returned queue is gone.
    #[must_use]
    pub fn start(db: DatabaseConnection) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(write_groups(db, jobs));
        Self { queue }
    }

    /// Creates a customer as [`super::create`] does, written with the creates that
    /// arrive meanwhile.
    ///
    /// # Errors
    /// As [`super::create`].
    pub async fn create(&self, actor: &Actor, input: NewCustomer) -> Result<Customer> {
        let input = super::prepared(actor, input)?;
        let (reply, answer) = oneshot::channel();
        let gone = || DomainError::Internal("the customer writer has stopped".into());
        self.queue.send(Job { actor: actor.clone(), input, reply }).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

/// The group writer: takes what has queued up (at most [`MAX_GROUP`], no two of one
/// email) and writes it, until the queue closes.
async fn write_groups(db: DatabaseConnection, mut jobs: mpsc::Receiver<Job>) {
    let mut waiting: VecDeque<Job> = VecDeque::new();
    loop {
        if waiting.is_empty() {
            match jobs.recv().await {
                Some(job) => waiting.push_back(job),
                None => return,
            }
        }
        while waiting.len() < MAX_GROUP
            && let Ok(job) = jobs.try_recv()
        {
            waiting.push_back(job);
        }
        let group = next_group(&mut waiting);
        write_group(&db, group).await;
    }
}

/// Takes the next group from `waiting`, in order, leaving behind the creates of an
/// email already in the group.
fn next_group(waiting: &mut VecDeque<Job>) -> Vec<Job> {
    let mut group = Vec::new();
    let mut emails = HashSet::new();
    let mut later = VecDeque::new();
    while let Some(job) = waiting.pop_front() {
        let repeated = job.email_key().is_some_and(|k| !emails.insert(k));
        if repeated || group.len() == MAX_GROUP {
            later.push_back(job);
        } else {
            group.push(job);
        }
    }
    *waiting = later;
    group
}

/// Writes a group and answers each create; when the group cannot be written, each of
/// its creates is made on its own.
async fn write_group(db: &DatabaseConnection, group: Vec<Job>) {
    let jobs: Vec<(Actor, NewCustomer)> = group.iter().map(|j| (j.actor.clone(), j.input.clone())).collect();
    match written(db, jobs).await {
        Ok(results) => {
            for (job, result) in group.into_iter().zip(results) {
                let _ = job.reply.send(result);
            }
        }
        Err(_) => {
            for job in group {
                let result = super::create(db, &job.actor, job.input).await;
                let _ = job.reply.send(result);
            }
        }
    }
}

/// Checks and inserts a group in one transaction: per create its customer or the error
/// that stops it. `Err` only when the transaction failed (nothing was written).
async fn written(db: &DatabaseConnection, jobs: Vec<(Actor, NewCustomer)>) -> Result<Vec<Result<Customer>>> {
    let txn = db.begin().await?;
    let owners: BTreeSet<i64> = jobs.iter().filter_map(|(_, c)| c.owner_id).collect();
    let active = active_users(&txn, owners).await?;
    let keys: Vec<String> = jobs.iter().filter_map(|(_, c)| c.email.as_ref().map(|e| e.to_lowercase())).collect();
    let taken = repo::ids_by_emails(&txn, &keys).await?;

    let mut results: Vec<Option<Result<Customer>>> = Vec::with_capacity(jobs.len());
    let mut valid = Vec::new();
    for (i, (actor, c)) in jobs.into_iter().enumerate() {
        // In the order of `create`'s checks: the owner, then the email.
        let existing = c.email.as_ref().and_then(|e| taken.get(&e.to_lowercase()).map(|id| (e, *id)));
        if c.owner_id.is_some_and(|o| !active.contains(&o)) {
            results.push(Some(Err(DomainError::invalid("owner_id", "is not an active user"))));
        } else if let Some((email, existing)) = existing {
            let message = format!("customer {existing} already has the email {email}");
            results.push(Some(Err(DomainError::Duplicate { message, existing_id: Some(existing) })));
        } else {
            results.push(None);
            valid.push((i, actor, c));
        }
    }
    if !valid.is_empty() {
        let at = now();
        let ids = repo::insert_many(&txn, valid.iter().map(|(_, _, c)| customer_row(c, at)).collect()).await?;
        let tags: Vec<(i64, String)> =
            ids.iter().zip(&valid).flat_map(|(id, (_, _, c))| c.tags.iter().map(|t| (*id, t.clone()))).collect();
        repo::insert_tags(&txn, tags).await?;
        let created: Vec<(usize, Actor, Customer)> =
            ids.into_iter().zip(valid).map(|(id, (i, actor, c))| (i, actor, Customer::created(id, c, at))).collect();
        execute_all(&txn, dependants(&txn, &created).await?).await?;
        for (i, _, customer) in created {
            results[i] = Some(Ok(customer));
        }
    }
    txn.commit().await?;
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(DomainError::Internal("an unanswered create".into()))))
        .collect())
}

/// The active users among `ids`.
async fn active_users(db: &impl ConnectionTrait, ids: BTreeSet<i64>) -> Result<HashSet<i64>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The INSERTs of the created customers' `customer.created` events and audit entries
/// (one set per actor).
async fn dependants(db: &impl ConnectionTrait, created: &[(usize, Actor, Customer)]) -> Result<Vec<Statement>> {
    let hooks = Subscribers::load(db).await?;
    let mut by_actor: Vec<(&Actor, Vec<&Customer>)> = Vec::new();
    for (_, actor, c) in created {
        match by_actor.iter_mut().find(|(a, _)| *a == actor) {
            Some((_, mine)) => mine.push(c),
            None => by_actor.push((actor, vec![c])),
        }
    }
    let (backend, at) = (db.get_database_backend(), now());
    let mut statements = Vec::new();
    for (actor, customers) in by_actor {
        statements.extend(super::creation_statements(backend, &hooks, actor, "create", &customers, at)?);
    }
    Ok(statements)
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::Expr;
    use sea_orm::{EntityTrait, QueryOrder};

    use super::*;
    use crate::Role;
    use crate::entities::{audit_log, webhook_delivery};
    use crate::services::users::{self, NewUser};
    use crate::services::webhooks::{self, NewWebhook, TargetPolicy};

    fn named(name: &str, email: Option<&str>) -> NewCustomer {
        NewCustomer { name: name.into(), email: email.map(Into::into), ..Default::default() }
    }

    /// Sixty creates at once, with every way a create can fail among them: each gets
    /// what a create on its own gets, and what was written is what a create writes.
    #[tokio::test]
    async fn creates_written_in_groups_get_and_write_what_single_creates_do() {
        let db = crate::testing::db().await;
        let admin = Actor::system();
        let user = |email: &str, role| NewUser {
            email: email.into(),
            name: "Someone".into(),
            role,
            password: "a long enough password 42".into(),
        };
        let sales = users::create_demo(&db, user("s@example.com", Role::Sales)).await.expect("sales").id;
        let gone = users::create_demo(&db, user("g@example.com", Role::Sales)).await.expect("gone").id;
        user::Entity::update_many()
            .col_expr(user::Column::Active, Expr::value(false))
            .filter(user::Column::Id.eq(gone))
            .exec(&db)
            .await
            .expect("deactivate");
        let hook = NewWebhook {
            url: "http://127.0.0.1:9/hook".into(),
            events: vec!["customer.created".into()],
            description: None,
            active: None,
        };
        webhooks::create(&db, &admin, hook, TargetPolicy { allow_private: true }).await.expect("webhook");
        let taken = super::super::create(&db, &admin, named("Taken", Some("taken@example.com"))).await.expect("taken");

        let creates = Creates::start(db.clone());
        let sales_actor = Actor::user(sales, Role::Sales);
        let mut asks: Vec<(Actor, NewCustomer)> = (0..50)
            .map(|i| {
                let mut c = named(&format!("Customer {i}"), Some(&format!("c{i}@example.com")));
                c.tags = vec![format!("t{}", i % 3), "all".into()];
                (admin.clone(), c)
            })
            .collect();
        asks.push((admin.clone(), named("Twin A", Some("twin@example.com"))));
        asks.push((admin.clone(), named("Twin B", Some("TWIN@example.com"))));
        asks.push((admin.clone(), named("Twin C", Some("twin@example.com"))));
        asks.push((admin.clone(), named("Late taker", Some("Taken@Example.com"))));
        asks.push((admin.clone(), NewCustomer { owner_id: Some(gone), ..named("Orphan", None) }));
        asks.push((sales_actor.clone(), NewCustomer { owner_id: Some(sales + gone), ..named("Not mine", None) }));
        asks.push((sales_actor.clone(), named("Mine", None)));
        asks.push((admin.clone(), named("", None)));
        asks.push((admin.clone(), named("No email", None)));
        asks.push((admin.clone(), named("No email", None)));
        let asked: Vec<_> = asks
            .iter()
            .cloned()
            .map(|(a, c)| {
                let creates = creates.clone();
                tokio::spawn(async move { creates.create(&a, c).await })
            })
            .collect();
        let mut results = Vec::new();
        for ask in asked {
            results.push(ask.await.expect("a create's task"));
        }

        let by_name = |name: &str| results.iter().zip(&asks).find(|(_, (_, c))| c.name == name).map(|(r, _)| r);
        let twin = by_name("Twin A").expect("twin").as_ref().expect("the first twin is created").id;
        for name in ["Twin B", "Twin C"] {
            match by_name(name) {
                Some(Err(DomainError::Duplicate { existing_id, .. })) => {
                    assert_eq!(existing_id.to_owned(), Some(twin), "{name}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        match by_name("Late taker") {
            Some(Err(DomainError::Duplicate { existing_id, message })) => {
                assert_eq!(existing_id.to_owned(), Some(taken.id));
                assert_eq!(message.as_str(), format!("customer {} already has the email Taken@Example.com", taken.id));
            }
            other => panic!("late taker: {other:?}"),
        }
        assert!(matches!(by_name("Orphan"), Some(Err(DomainError::Invalid(_)))), "{:?}", by_name("Orphan"));
        assert!(matches!(by_name("Not mine"), Some(Err(DomainError::Forbidden(_)))), "{:?}", by_name("Not mine"));
        assert!(matches!(by_name(""), Some(Err(DomainError::Invalid(_)))));
        assert_eq!(by_name("Mine").expect("mine").as_ref().expect("created").owner_id, Some(sales));

        let created: Vec<&Customer> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(created.len(), 50 + 1 + 1 + 2);
        // What each create answered is what was written, tags and audit entry included.
        for c in &created {
            let read = super::super::get(&db, &admin, c.id).await.expect("read back");
            assert_eq!(&&read, c);
            let entry = audit_log::Entity::find()
                .filter(audit_log::Column::Entity.eq("customer"))
                .filter(audit_log::Column::EntityId.eq(c.id))
                .all(&db)
                .await
                .expect("audit");
            assert_eq!(entry.len(), 1, "{}", c.name);
            assert_eq!((entry[0].action.as_str(), &entry[0].after), ("create", &c.audit_text()));
            let by = if c.name == "Mine" { Some(sales) } else { admin.user_id };
            assert_eq!(entry[0].actor_id, by);
        }
        let events = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::EventType.eq("customer.created"))
            .order_by_asc(webhook_delivery::Column::Id)
            .all(&db)
            .await
            .expect("events");
        // The customer created before the groups, and each created in them.
        assert_eq!(events.len(), created.len() + 1);
        for c in &created {
            assert_eq!(events.iter().filter(|e| e.payload.contains(&format!("\"id\":{},", c.id))).count(), 1);
        }
        // Creates that arrived together were written together: one time for a group.
        let times: BTreeSet<_> = created.iter().map(|c| c.created_at).collect();
        assert!(times.len() < created.len(), "{} groups for {} creates", times.len(), created.len());
    }
}
