//! SMS through an HTTP gateway: `POST {to, body, message_id}` as JSON. A 2xx reply is
//! delivery; 408, 429 and 5xx replies and network trouble are worth a retry; other 4xx
//! replies are final. Redirects are not followed.

use rapport_domain::services::delivery::Outgoing;
use serde::Serialize;

use super::SendError;

pub struct Webhook {
    client: reqwest::Client,
    url: String,
}

#[derive(Serialize)]
struct Body<'a> {
    to: &'a str,
    body: &'a str,
    message_id: &'a str,
}

impl Webhook {
    pub fn new(url: &str) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url).map_err(|e| anyhow::anyhow!("RAPPORT_SMS_WEBHOOK_URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            anyhow::bail!("RAPPORT_SMS_WEBHOOK_URL must be an http(s) URL");
        }
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self { client, url: url.to_owned() })
    }

    pub async fn send(&self, out: &Outgoing) -> Result<(), SendError> {
        let body = Body { to: &out.to, body: &out.text, message_id: &out.message_id };
        let res = self
            .client
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(|e| SendError { temporary: true, reason: format!("sms gateway: {e}") })?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        let temporary = status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429;
        Err(SendError { temporary, reason: format!("sms gateway answered {status}") })
    }
}
