//! SQLite: row triggers. Whole seconds of a resolution as the service statistics count
//! them (`unixepoch` of each end).

/// Adds the request `r` (`new`) to its day.
macro_rules! service_upsert {
    ($r:literal) => {
        concat!(
            "INSERT INTO service_daily (day, resolved, resolution_seconds, rated, rating_sum) ",
            "VALUES (date(",
            $r,
            ".request_date), ",
            $r,
            ".resolved_at IS NOT NULL, ",
            "coalesce(unixepoch(",
            $r,
            ".resolved_at) - unixepoch(",
            $r,
            ".request_date), 0), ",
            $r,
            ".rating IS NOT NULL, coalesce(",
            $r,
            ".rating, 0)) ",
            "ON CONFLICT (day) DO UPDATE SET resolved = resolved + excluded.resolved, ",
            "resolution_seconds = resolution_seconds + excluded.resolution_seconds, ",
            "rated = rated + excluded.rated, rating_sum = rating_sum + excluded.rating_sum;"
        )
    };
}

/// Takes the request `old` off its day.
macro_rules! service_subtract {
    () => {
        concat!(
            "UPDATE service_daily SET resolved = resolved - (old.resolved_at IS NOT NULL), ",
            "resolution_seconds = resolution_seconds - coalesce(unixepoch(old.resolved_at) - unixepoch(old.request_date), 0), ",
            "rated = rated - (old.rating IS NOT NULL), rating_sum = rating_sum - coalesce(old.rating, 0) ",
            "WHERE day = date(old.request_date);"
        )
    };
}

pub(super) const UP: &[&str] = &[
    // Customers inserted under `customer_search_deferred` are counted by the writer that
    // inserted them (`Deferred::index`).
    "CREATE TRIGGER customers_daily_ai AFTER INSERT ON customers \
     WHEN new.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM customer_search_deferred) BEGIN \
     INSERT INTO customers_daily (day, owner_id, customers) VALUES (date(new.created_at), coalesce(new.owner_id, 0), 1) \
     ON CONFLICT (day, owner_id) DO UPDATE SET customers = customers + 1; END",
    concat!(
        "CREATE TRIGGER customers_daily_au AFTER UPDATE OF created_at, owner_id, deleted_at ON customers ",
        "WHEN old.created_at IS NOT new.created_at OR old.owner_id IS NOT new.owner_id ",
        "OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL) BEGIN ",
        "UPDATE customers_daily SET customers = customers - 1 ",
        "WHERE old.deleted_at IS NULL AND day = date(old.created_at) AND owner_id = coalesce(old.owner_id, 0); ",
        "INSERT INTO customers_daily (day, owner_id, customers) ",
        "SELECT date(new.created_at), coalesce(new.owner_id, 0), 1 WHERE new.deleted_at IS NULL ",
        "ON CONFLICT (day, owner_id) DO UPDATE SET customers = customers + 1; END"
    ),
    concat!(
        "CREATE TRIGGER customers_daily_ad AFTER DELETE ON customers WHEN old.deleted_at IS NULL BEGIN ",
        "UPDATE customers_daily SET customers = customers - 1 ",
        "WHERE day = date(old.created_at) AND owner_id = coalesce(old.owner_id, 0); END"
    ),
    concat!(
        "CREATE TRIGGER service_daily_ai AFTER INSERT ON service_requests ",
        "WHEN new.resolved_at IS NOT NULL OR new.rating IS NOT NULL BEGIN ",
        service_upsert!("new"),
        " END"
    ),
    concat!(
        "CREATE TRIGGER service_daily_au AFTER UPDATE OF request_date, resolved_at, rating ",
        "ON service_requests WHEN (old.request_date IS NOT new.request_date ",
        "OR old.resolved_at IS NOT new.resolved_at OR old.rating IS NOT new.rating) ",
        "AND coalesce(old.resolved_at, old.rating, new.resolved_at, new.rating) IS NOT NULL BEGIN ",
        service_subtract!(),
        " ",
        service_upsert!("new"),
        " END"
    ),
    concat!(
        "CREATE TRIGGER service_daily_ad AFTER DELETE ON service_requests ",
        "WHEN old.resolved_at IS NOT NULL OR old.rating IS NOT NULL BEGIN ",
        service_subtract!(),
        " END"
    ),
];
