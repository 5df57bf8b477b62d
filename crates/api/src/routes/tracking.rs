//! `/t/…`: what recipients of campaign messages reach without logging in — the open
//! pixel, the click redirect and the unsubscribe page.

use actix_web::http::{StatusCode, header};
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpResponse, get, post};
use rapport_domain::services::tracking;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::rating::html;
use crate::error::ApiError;
use crate::openapi::*;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(open_pixel).service(click).service(unsubscribe_page).service(unsubscribe_one_click);
}

/// A transparent 1×1 GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02,
    0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// Open pixel
///
/// Counts an open of the message and answers with a transparent GIF (also for unknown tokens).
#[utoipa::path(
    tag = "public",
    params(("file" = String, Path, description = "`<token>.gif`")),
    responses((status = 200, description = "A 1×1 GIF", content_type = "image/gif", body = Vec<u8>))
)]
#[get("/t/o/{file}")]
async fn open_pixel(state: Data<AppState>, file: Path<String>) -> HttpResponse {
    let token = file.strip_suffix(".gif").unwrap_or(&file);
    if let Err(e) = tracking::open(&state.db, token).await {
        tracing::warn!(error = %e, "counting an open failed");
    }
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/gif"))
        .insert_header((header::CACHE_CONTROL, "no-store, max-age=0"))
        .body(PIXEL)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ClickQuery {
    /// The link as it was written in the message.
    u: String,
}

/// Click redirect
///
/// Counts a click and redirects to `u`, which must be one of the message's own links
/// (anything else is 404: no open redirect).
#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "The message's token"), ClickQuery),
    responses((status = 302, description = "To the link", headers(("Location" = String))), BadRequest, NotFound)
)]
#[get("/t/c/{token}")]
async fn click(state: Data<AppState>, token: Path<String>, q: Query<ClickQuery>) -> Result<HttpResponse, ApiError> {
    let to = tracking::click(&state.db, &token, &q.u).await?;
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, to))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

fn channel_words(channel: &str) -> &'static str {
    match channel {
        "sms" => "text messages",
        "phone" => "phone calls",
        _ => "emails",
    }
}

/// Unsubscribe page
///
/// Opts the recipient out of the message's channel and says so.
#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "The message's token")),
    responses(
        (status = 200, description = "Unsubscribed", content_type = "text/html", body = String),
        (status = 404, description = "Unknown link", content_type = "text/html", body = String)
    )
)]
#[get("/t/u/{token}")]
async fn unsubscribe_page(state: Data<AppState>, token: Path<String>) -> HttpResponse {
    match tracking::unsubscribe(&state.db, &token).await {
        Ok(channel) => html(
            StatusCode::OK,
            "Unsubscribed",
            &format!("<p>You will not receive marketing {} from us any more.</p>", channel_words(&channel)),
        ),
        Err(_) => html(StatusCode::NOT_FOUND, "Unsubscribe", "<p>This unsubscribe link is not valid.</p>"),
    }
}

/// One-click unsubscribe
///
/// The `List-Unsubscribe-Post` target of RFC 8058: mail clients post here.
#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "The message's token")),
    responses((status = 204, description = "Unsubscribed"), NotFound)
)]
#[post("/t/u/{token}")]
async fn unsubscribe_one_click(state: Data<AppState>, token: Path<String>) -> Result<HttpResponse, ApiError> {
    tracking::unsubscribe(&state.db, &token).await?;
    Ok(HttpResponse::NoContent().finish())
}
