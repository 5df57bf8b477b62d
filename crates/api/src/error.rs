//! Every error leaves as `application/problem+json` (RFC 9457) with a stable `code`.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, ResponseError, error};
use rapport_domain::{DomainError, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

/// The stable error codes, their HTTP status and title: clients switch on `code`.
pub const CODES: &[(&str, u16, &str)] = &[
    ("bad_request", 400, "Malformed request"),
    ("unauthorized", 401, "Not authenticated"),
    ("forbidden", 403, "Not allowed"),
    ("not_found", 404, "Not found"),
    ("method_not_allowed", 405, "Method not allowed"),
    ("duplicate", 409, "Duplicate"),
    ("conflict", 409, "Conflict"),
    ("invalid_transition", 409, "Invalid state transition"),
    ("gone", 410, "Gone"),
    ("stale_version", 412, "Precondition failed"),
    ("payload_too_large", 413, "Payload too large"),
    ("unsupported_media_type", 415, "Unsupported media type"),
    ("validation_failed", 422, "Validation failed"),
    ("import_rejected", 422, "Import rejected"),
    ("rate_limited", 429, "Too many requests"),
    ("internal", 500, "Internal error"),
    ("unavailable", 503, "Service unavailable"),
];

/// One field problem in a problem body.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The input field (or CSV column), e.g. `email`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
    /// For CSV imports: the 1-based line of the file (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl From<FieldError> for ProblemField {
    fn from(e: FieldError) -> Self {
        Self { field: e.field, message: e.message, line: e.line }
    }
}

/// An RFC 9457 problem.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:rapport:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short, human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// Stable machine-readable code.
    #[schema(example = "validation_failed")]
    pub code: String,
    /// This occurrence, in plain words.
    pub detail: String,
    /// Problems with single fields (or import rows).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For `duplicate`: the record that already holds the value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<i64>,
}

/// An error on its way to becoming a problem response.
#[derive(Debug)]
pub struct ApiError {
    code: &'static str,
    detail: String,
    errors: Vec<ProblemField>,
    existing_id: Option<i64>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a code from [`CODES`].
    pub fn new(code: &'static str, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into(), errors: Vec::new(), existing_id: None, retry_after: None }
    }

    /// 429 with the seconds to wait (sent as `Retry-After`).
    pub fn rate_limited(retry_after_secs: u64, detail: impl Into<String>) -> Self {
        Self { retry_after: Some(retry_after_secs.max(1)), ..Self::new("rate_limited", detail) }
    }

    /// 400 with a reason.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new("bad_request", detail)
    }

    /// 401 with a reason.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new("unauthorized", detail)
    }

    /// The code of this error.
    pub fn code(&self) -> &'static str {
        self.code
    }

    fn entry(&self) -> (u16, &'static str) {
        CODES.iter().find(|(c, ..)| *c == self.code).map_or((500, "Internal error"), |(_, s, t)| (*s, *t))
    }

    /// The problem body.
    pub fn problem(&self) -> Problem {
        let (status, title) = self.entry();
        Problem {
            problem_type: format!("urn:rapport:problem:{}", self.code),
            title: title.to_owned(),
            status,
            code: self.code.to_owned(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            existing_id: self.existing_id,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.entry().0).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let body = serde_json::to_string(&self.problem()).unwrap_or_default();
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header(ContentType(mime_problem()));
        if self.code == "unauthorized" {
            res.insert_header(("WWW-Authenticate", "Bearer"));
        }
        if let Some(secs) = self.retry_after {
            res.insert_header((actix_web::http::header::RETRY_AFTER, secs.to_string()));
        }
        res.body(body)
    }
}

fn mime_problem() -> mime::Mime {
    "application/problem+json".parse().unwrap_or(mime::APPLICATION_JSON)
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound(what) => Self::new("not_found", format!("{what} not found")),
            DomainError::Invalid(errors) => Self {
                errors: errors.into_iter().map(ProblemField::from).collect(),
                ..Self::new("validation_failed", "the request has invalid fields")
            },
            DomainError::ImportRejected(errors) => Self {
                detail: format!("{} problem(s) found; nothing was imported", errors.len()),
                errors: errors.into_iter().map(ProblemField::from).collect(),
                ..Self::new("import_rejected", "")
            },
            DomainError::Duplicate { message, existing_id } => Self { existing_id, ..Self::new("duplicate", message) },
            DomainError::Conflict(m) => Self::new("conflict", m),
            DomainError::Gone(m) => Self::new("gone", m),
            e @ DomainError::InvalidTransition { .. } => Self::new("invalid_transition", e.to_string()),
            e @ DomainError::StaleVersion { .. } => Self::new("stale_version", e.to_string()),
            DomainError::Unauthenticated(m) => Self::new("unauthorized", m),
            DomainError::Forbidden(m) => Self::new("forbidden", m),
            e @ DomainError::Locked { retry_after_secs } => Self::rate_limited(retry_after_secs, e.to_string()),
            e @ (DomainError::Db(_) | DomainError::Internal(_)) => {
                tracing::error!(error = ?e, "internal error");
                Self::new("internal", "something went wrong on our side; it has been logged")
            }
        }
    }
}

/// Bad JSON bodies: 400 for syntax, 422 for wrong fields, 413 / 415 as the status says.
pub fn json_error(err: error::JsonPayloadError, _req: &HttpRequest) -> error::Error {
    use error::JsonPayloadError as J;
    let api = match &err {
        J::OverflowKnownLength { .. } | J::Overflow { .. } => {
            ApiError::new("payload_too_large", "the JSON body is too large")
        }
        J::ContentType => ApiError::new("unsupported_media_type", "send the body as application/json"),
        J::Deserialize(e) if e.is_data() => {
            ApiError::new("validation_failed", format!("the JSON body does not fit: {e}"))
        }
        other => ApiError::bad_request(format!("the JSON body is not valid: {other}")),
    };
    api.into()
}

/// Bad query strings (unknown parameters, wrong types): 400.
pub fn query_error(err: error::QueryPayloadError, _req: &HttpRequest) -> error::Error {
    ApiError::bad_request(format!("invalid query parameters: {err}")).into()
}

/// Bad path segments (an id that is not a number): 400; but a fixed path asked with a
/// method it lacks (`PATCH /campaigns/compare` reaching `PATCH /campaigns/{id}`): 405.
pub fn path_error(err: error::PathError, req: &HttpRequest) -> error::Error {
    let known = req.app_data::<actix_web::web::Data<KnownPaths>>().map(|k| k.allowed(req.path())).unwrap_or_default();
    if !known.is_empty() && !known.contains(&req.method().as_str()) {
        return error::InternalError::from_response("method not allowed", unrouted(req)).into();
    }
    ApiError::bad_request(format!("invalid path: {err}")).into()
}

/// Oversize raw bodies: 413.
pub fn payload_error(err: error::PayloadError) -> ApiError {
    match err {
        error::PayloadError::Overflow => ApiError::new("payload_too_large", "the body is too large"),
        other => ApiError::bad_request(format!("could not read the body: {other}")),
    }
}

/// The documented paths and their methods, so that a known path asked with another
/// method answers 405 with `Allow` instead of 404.
#[derive(Clone, Debug, Default)]
pub struct KnownPaths(Vec<(Vec<Option<String>>, Vec<&'static str>)>);

impl KnownPaths {
    /// The paths and methods of an OpenAPI document (`{param}` segments match any segment).
    pub fn from_spec(doc: &utoipa::openapi::OpenApi) -> Self {
        let paths = doc.paths.paths.iter().map(|(path, item)| {
            let segments = path
                .split('/')
                .map(|s| if s.starts_with('{') && s.ends_with('}') { None } else { Some(s.to_owned()) })
                .collect();
            let ops = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ];
            (segments, ops.into_iter().filter(|(_, on)| *on).map(|(m, _)| m).collect())
        });
        Self(paths.collect())
    }

    /// The methods of the documented path that matches `path` most closely (fixed segments
    /// before `{param}`s: `/campaigns/compare` before `/campaigns/{id}`); empty when none does.
    pub fn allowed(&self, path: &str) -> Vec<&'static str> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut best: Option<(usize, &Vec<&'static str>)> = None;
        for (segments, ops) in &self.0 {
            let fits = segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(s, p)| s.as_deref().map_or(!p.is_empty(), |s| s == *p));
            let fixed = segments.iter().filter(|s| s.is_some()).count();
            if fits && best.is_none_or(|(f, _)| fixed > f) {
                best = Some((fixed, ops));
            }
        }
        best.map(|(_, ops)| ops.clone()).unwrap_or_default()
    }
}

/// Unknown routes: a 404 problem; a documented path with another method: 405 with `Allow`.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    unrouted(&req)
}

/// The answer to a request no route took (see [`not_found`]).
pub fn unrouted(req: &HttpRequest) -> HttpResponse {
    let allowed = req.app_data::<actix_web::web::Data<KnownPaths>>().map(|k| k.allowed(req.path())).unwrap_or_default();
    if allowed.is_empty() {
        return ApiError::new("not_found", "no such endpoint").error_response();
    }
    let allow = allowed.join(", ");
    let mut res = ApiError::new("method_not_allowed", format!("{} is not allowed here; use {allow}", req.method()))
        .error_response();
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&allow) {
        res.headers_mut().insert(actix_web::http::header::ALLOW, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_with_a_status() {
        for (i, (code, status, _)) in CODES.iter().enumerate() {
            assert!(CODES.iter().skip(i + 1).all(|(c, ..)| c != code), "{code} twice");
            assert!((400..600).contains(status));
        }
    }

    #[test]
    fn stale_version_is_412() {
        let e: ApiError = DomainError::StaleVersion { expected: 1, current: 2 }.into();
        assert_eq!(e.status_code(), StatusCode::PRECONDITION_FAILED);
        assert_eq!(e.problem().code, "stale_version");
    }

    #[test]
    fn internal_errors_do_not_leak_details() {
        let e: ApiError = DomainError::Internal("secret connection string".into()).into();
        assert!(!e.problem().detail.contains("secret"));
        assert_eq!(e.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
