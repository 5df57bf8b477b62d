//! `/rate/{token}`: the customer's satisfaction page, no login needed.

use actix_web::http::header;
use actix_web::web::{Bytes, Data, Path};
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post};
use rapport_domain::DomainError;
use rapport_domain::services::service_requests::rating;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::dto::service_requests::RatingSubmit;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(rating_page).service(submit_rating);
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub(crate) fn html(status: actix_web::http::StatusCode, title: &str, body: &str) -> HttpResponse {
    let page = format!(
        "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\">\
         <title>{t}</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}\
         label{{margin-right:.8rem}}textarea{{width:100%;min-height:6rem}}button{{margin-top:1rem;padding:.5rem 1.2rem}}</style>\
         <h1>{t}</h1>{body}</html>",
        t = escape(title)
    );
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"))
        .body(page)
}

fn html_error(e: DomainError) -> HttpResponse {
    let api = ApiError::from(e);
    let message = match api.code() {
        "gone" => "This rating link has expired.",
        "conflict" => "Thank you — this request has been rated already.",
        _ => "This rating link is not valid.",
    };
    html(api.status_code(), "Rate our service", &format!("<p>{message}</p>"))
}

/// The rating page
///
/// A small HTML page with a 1–5 rating and a comment box; the form posts back here.
#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "The token of the request's rating_url")),
    responses(
        (status = 200, description = "The page", content_type = "text/html", body = String),
        (status = 404, description = "Invalid or tampered link", content_type = "text/html", body = String),
        (status = 409, description = "Rated already", content_type = "text/html", body = String),
        (status = 410, description = "Expired link", content_type = "text/html", body = String)
    )
)]
#[get("/rate/{token}")]
async fn rating_page(state: Data<AppState>, token: Path<String>) -> HttpResponse {
    match rating::page(&state.db, &token).await {
        Ok(p) => {
            let stars: String = (1..=5)
                .map(|i| format!("<label><input type=radio name=rating value={i} required> {i}</label>"))
                .collect();
            let body = format!(
                "<p>How did we do with “{}”?</p><form method=post>{stars}<p><textarea name=comment maxlength=2000 \
                 placeholder=\"Anything you would like to tell us (optional)\"></textarea></p>\
                 <button type=submit>Send</button></form>",
                escape(&p.subject)
            );
            html(actix_web::http::StatusCode::OK, "Rate our service", &body)
        }
        Err(e) => html_error(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormRating {
    rating: i16,
    #[serde(default)]
    comment: Option<String>,
}

/// Rate a resolved request
///
/// Takes `{"rating": 1..5, "comment": …}` as JSON (answered with 204) or the page's form
/// post (answered with a thank-you page). Links are signed, single use and expire 30 days
/// after resolution.
#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "The token of the request's rating_url")),
    request_body(content = RatingSubmit, description = "JSON, or the same fields form-encoded"),
    responses(
        (status = 204, description = "Recorded"),
        BadRequest, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType, Unprocessable,
        (status = 410, description = "The link has expired (`gone`)", content_type = "application/problem+json", body = crate::error::Problem)
    )
)]
#[post("/rate/{token}")]
async fn submit_rating(state: Data<AppState>, token: Path<String>, req: HttpRequest, body: Bytes) -> HttpResponse {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let form: FormRating = match serde_urlencoded::from_bytes(&body) {
            Ok(f) => f,
            Err(_) => {
                return html(
                    actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "Rate our service",
                    "<p>Please choose a rating from 1 to 5.</p>",
                );
            }
        };
        let comment = form.comment.filter(|c| !c.trim().is_empty());
        return match rating::rate_by_link(&state.db, &token, form.rating, comment.as_deref()).await {
            Ok(()) => html(actix_web::http::StatusCode::OK, "Thank you", "<p>Thank you for your rating.</p>"),
            Err(e) => html_error(e),
        };
    }
    if !content_type.starts_with("application/json") {
        return ApiError::new("unsupported_media_type", "send JSON or the page's form").error_response();
    }
    let parsed: RatingSubmit = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) if e.is_data() => {
            return ApiError::new("validation_failed", format!("the JSON body does not fit: {e}")).error_response();
        }
        Err(e) => return ApiError::bad_request(format!("the JSON body is not valid: {e}")).error_response(),
    };
    match rating::rate_by_link(&state.db, &token, parsed.rating, parsed.comment.as_deref()).await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(e) => ApiError::from(e).error_response(),
    }
}
