//! Email over SMTP with lettre: a pooled connection, plain text with an HTML alternative,
//! the message's stable `Message-ID`, and one-click unsubscribe headers (RFC 8058).

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rapport_domain::services::delivery::Outgoing;

use super::SendError;

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("RAPPORT_SMTP_URL is not usable: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("RAPPORT_SMTP_FROM is not an address: {e}"))?;
        Ok(Self { transport, from })
    }

    fn message(&self, out: &Outgoing) -> Result<Message, SendError> {
        let permanent = |reason: String| SendError { temporary: false, reason };
        let to: Mailbox = out.to.parse().map_err(|e| permanent(format!("bad recipient address: {e}")))?;
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(out.subject.clone().unwrap_or_default())
            .message_id(Some(format!("<{}>", out.message_id)));
        if let Some(u) = &out.unsubscribe_url {
            b = b
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{u}>")))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(out.text.clone());
        let msg = match &out.html {
            Some(html) => b.multipart(
                MultiPart::alternative()
                    .singlepart(text)
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.clone())),
            ),
            None => b.singlepart(text),
        };
        msg.map_err(|e| permanent(format!("cannot build the message: {e}")))
    }

    pub async fn send(&self, out: &Outgoing) -> Result<(), SendError> {
        let msg = self.message(out)?;
        self.transport.send(msg).await.map(|_| ()).map_err(|e| SendError {
            // 5xx replies are final; 4xx replies, timeouts and connection trouble are not.
            temporary: !e.is_permanent(),
            reason: format!("smtp: {e}"),
        })
    }
}
