//! PostgreSQL: an insert is counted once per statement from its transition table (the
//! import and the seed insert thousands of rows a statement); updates and deletes by row
//! triggers whose `WHEN` lets through only the rows whose counted columns changed.
//! Whole seconds of a resolution as the service statistics count them.

/// The seconds from a request `r` to its resolution.
macro_rules! seconds {
    ($r:literal) => {
        concat!("trunc(EXTRACT(EPOCH FROM (", $r, "resolved_at - ", $r, "request_date)))::bigint")
    };
}

/// Adds the rows that `$select` (a `SELECT` or `VALUES`) gives to the service days.
macro_rules! service_add {
    ($($select:tt)*) => {
        concat!(
            "INSERT INTO service_daily (day, resolved, resolution_seconds, rated, rating_sum) ",
            $($select)*,
            " ON CONFLICT (day) DO UPDATE SET resolved = service_daily.resolved + excluded.resolved, ",
            "resolution_seconds = service_daily.resolution_seconds + excluded.resolution_seconds, ",
            "rated = service_daily.rated + excluded.rated, rating_sum = service_daily.rating_sum + excluded.rating_sum;"
        )
    };
}

pub(super) const UP: &[&str] = &[
    "CREATE FUNCTION customers_daily_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
     INSERT INTO customers_daily (day, owner_id, customers) \
     SELECT created_at::date, COALESCE(owner_id, 0), count(*) FROM inserted WHERE deleted_at IS NULL GROUP BY 1, 2 \
     ON CONFLICT (day, owner_id) DO UPDATE SET customers = customers_daily.customers + excluded.customers; \
     RETURN NULL; END $$",
    "CREATE FUNCTION customers_daily_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
     IF OLD.deleted_at IS NULL THEN \
       UPDATE customers_daily SET customers = customers - 1 \
       WHERE day = OLD.created_at::date AND owner_id = COALESCE(OLD.owner_id, 0); \
     END IF; \
     IF TG_OP = 'UPDATE' THEN IF NEW.deleted_at IS NULL THEN \
       INSERT INTO customers_daily (day, owner_id, customers) VALUES (NEW.created_at::date, COALESCE(NEW.owner_id, 0), 1) \
       ON CONFLICT (day, owner_id) DO UPDATE SET customers = customers_daily.customers + 1; \
     END IF; END IF; \
     RETURN NULL; END $$",
    "CREATE TRIGGER customers_daily_ai AFTER INSERT ON customers REFERENCING NEW TABLE AS inserted \
     FOR EACH STATEMENT EXECUTE FUNCTION customers_daily_insert()",
    "CREATE TRIGGER customers_daily_au AFTER UPDATE OF created_at, owner_id, deleted_at ON customers FOR EACH ROW \
     WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.owner_id IS DISTINCT FROM NEW.owner_id \
     OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)) EXECUTE FUNCTION customers_daily_change()",
    "CREATE TRIGGER customers_daily_ad AFTER DELETE ON customers FOR EACH ROW WHEN (OLD.deleted_at IS NULL) \
     EXECUTE FUNCTION customers_daily_change()",
    concat!(
        "CREATE FUNCTION service_daily_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ",
        service_add!(concat!(
            "SELECT request_date::date, count(resolved_at), COALESCE(sum(",
            seconds!(""),
            "), 0), count(rating), COALESCE(sum(rating), 0) FROM inserted ",
            "WHERE resolved_at IS NOT NULL OR rating IS NOT NULL GROUP BY 1"
        )),
        " RETURN NULL; END $$"
    ),
    concat!(
        "CREATE FUNCTION service_daily_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ",
        "UPDATE service_daily SET resolved = resolved - (OLD.resolved_at IS NOT NULL)::int, ",
        "resolution_seconds = resolution_seconds - COALESCE(",
        seconds!("OLD."),
        ", 0), rated = rated - (OLD.rating IS NOT NULL)::int, rating_sum = rating_sum - COALESCE(OLD.rating, 0) ",
        "WHERE day = OLD.request_date::date; ",
        "IF TG_OP = 'UPDATE' THEN ",
        service_add!(concat!(
            "VALUES (NEW.request_date::date, (NEW.resolved_at IS NOT NULL)::int, COALESCE(",
            seconds!("NEW."),
            ", 0), (NEW.rating IS NOT NULL)::int, COALESCE(NEW.rating, 0))"
        )),
        " END IF; RETURN NULL; END $$"
    ),
    "CREATE TRIGGER service_daily_ai AFTER INSERT ON service_requests REFERENCING NEW TABLE AS inserted \
     FOR EACH STATEMENT EXECUTE FUNCTION service_daily_insert()",
    "CREATE TRIGGER service_daily_au AFTER UPDATE OF request_date, resolved_at, rating \
     ON service_requests FOR EACH ROW WHEN ((OLD.request_date IS DISTINCT FROM NEW.request_date \
     OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at OR OLD.rating IS DISTINCT FROM NEW.rating) \
     AND (OLD.resolved_at IS NOT NULL OR OLD.rating IS NOT NULL OR NEW.resolved_at IS NOT NULL \
     OR NEW.rating IS NOT NULL)) EXECUTE FUNCTION service_daily_change()",
    "CREATE TRIGGER service_daily_ad AFTER DELETE ON service_requests FOR EACH ROW \
     WHEN (OLD.resolved_at IS NOT NULL OR OLD.rating IS NOT NULL) EXECUTE FUNCTION service_daily_change()",
];

/// Dropped after the triggers.
pub(super) const FUNCTIONS: &[&str] =
    &["service_daily_change", "service_daily_insert", "customers_daily_change", "customers_daily_insert"];
