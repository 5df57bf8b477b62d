//! MySQL and MariaDB: row triggers. Whole seconds of a resolution as the service
//! statistics count them (`TIMESTAMPDIFF`).

/// Adds the request `r` (`NEW`) to its day.
macro_rules! service_upsert {
    ($r:literal) => {
        concat!(
            "INSERT INTO service_daily (day, resolved, resolution_seconds, rated, rating_sum) ",
            "VALUES (DATE(",
            $r,
            ".request_date), ",
            $r,
            ".resolved_at IS NOT NULL, ",
            "COALESCE(TIMESTAMPDIFF(SECOND, ",
            $r,
            ".request_date, ",
            $r,
            ".resolved_at), 0), ",
            $r,
            ".rating IS NOT NULL, COALESCE(",
            $r,
            ".rating, 0)) ",
            "ON DUPLICATE KEY UPDATE resolved = resolved + VALUES(resolved), ",
            "resolution_seconds = resolution_seconds + VALUES(resolution_seconds), ",
            "rated = rated + VALUES(rated), rating_sum = rating_sum + VALUES(rating_sum);"
        )
    };
}

/// Takes the request `OLD` off its day.
macro_rules! service_subtract {
    () => {
        concat!(
            "UPDATE service_daily SET resolved = resolved - (OLD.resolved_at IS NOT NULL), ",
            "resolution_seconds = resolution_seconds - COALESCE(TIMESTAMPDIFF(SECOND, OLD.request_date, OLD.resolved_at), 0), ",
            "rated = rated - (OLD.rating IS NOT NULL), rating_sum = rating_sum - COALESCE(OLD.rating, 0) ",
            "WHERE day = DATE(OLD.request_date);"
        )
    };
}

pub(super) const UP: &[&str] = &[
    "CREATE TRIGGER customers_daily_ai AFTER INSERT ON customers FOR EACH ROW BEGIN \
     IF NEW.deleted_at IS NULL THEN \
       INSERT INTO customers_daily (day, owner_id, customers) \
       VALUES (DATE(NEW.created_at), COALESCE(NEW.owner_id, 0), 1) ON DUPLICATE KEY UPDATE customers = customers + 1; \
     END IF; END",
    "CREATE TRIGGER customers_daily_au AFTER UPDATE ON customers FOR EACH ROW BEGIN \
     IF NOT (OLD.created_at <=> NEW.created_at AND OLD.owner_id <=> NEW.owner_id \
             AND (OLD.deleted_at IS NULL) = (NEW.deleted_at IS NULL)) THEN \
       IF OLD.deleted_at IS NULL THEN \
         UPDATE customers_daily SET customers = customers - 1 \
         WHERE day = DATE(OLD.created_at) AND owner_id = COALESCE(OLD.owner_id, 0); \
       END IF; \
       IF NEW.deleted_at IS NULL THEN \
         INSERT INTO customers_daily (day, owner_id, customers) \
         VALUES (DATE(NEW.created_at), COALESCE(NEW.owner_id, 0), 1) ON DUPLICATE KEY UPDATE customers = customers + 1; \
       END IF; \
     END IF; END",
    "CREATE TRIGGER customers_daily_ad AFTER DELETE ON customers FOR EACH ROW BEGIN \
     IF OLD.deleted_at IS NULL THEN \
       UPDATE customers_daily SET customers = customers - 1 \
       WHERE day = DATE(OLD.created_at) AND owner_id = COALESCE(OLD.owner_id, 0); \
     END IF; END",
    concat!(
        "CREATE TRIGGER service_daily_ai AFTER INSERT ON service_requests FOR EACH ROW BEGIN ",
        "IF NEW.resolved_at IS NOT NULL OR NEW.rating IS NOT NULL THEN ",
        service_upsert!("NEW"),
        " END IF; END"
    ),
    concat!(
        "CREATE TRIGGER service_daily_au AFTER UPDATE ON service_requests FOR EACH ROW BEGIN ",
        "IF NOT (OLD.request_date <=> NEW.request_date ",
        "AND OLD.resolved_at <=> NEW.resolved_at AND OLD.rating <=> NEW.rating) ",
        "AND COALESCE(OLD.resolved_at, OLD.rating, NEW.resolved_at, NEW.rating) IS NOT NULL THEN ",
        service_subtract!(),
        " ",
        service_upsert!("NEW"),
        " END IF; END"
    ),
    concat!(
        "CREATE TRIGGER service_daily_ad AFTER DELETE ON service_requests FOR EACH ROW BEGIN ",
        "IF OLD.resolved_at IS NOT NULL OR OLD.rating IS NOT NULL THEN ",
        service_subtract!(),
        " END IF; END"
    ),
];
