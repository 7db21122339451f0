//! What the client logs: one `graph` span per request with method, path template, status,
//! duration and request ids; and never the client secret, an access token or a Temporary
//! Access Pass, at any level.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use keydesk_graph::TapRequest;
use serde_json::json;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_name_the_template_and_nothing_secret_is_ever_logged() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    within(async {
        let mut throttled = error(429, "TooManyRequests");
        throttled.headers.push(("retry-after", "1".into()));
        throttled.headers.push(("request-id", "req-429".into()));
        throttled.headers.push((
            "x-ms-throttle-scope",
            "Tenant_Application/ReadWrite/t/app".into(),
        ));
        let created = json!({"id": "tap1", "temporaryAccessPass": "TAP-Xy7!secret"});
        let server = Server::start(vec![
            throttled,
            answer(200, user_json()),
            answer(201, created),
        ])
        .await;
        let graph = server.client(Arc::default());
        graph.user("kim@contoso.com").await.unwrap();
        let tap = graph
            .create_temporary_access_pass("u1", &TapRequest::default())
            .await
            .unwrap();
        assert_eq!(tap.pass.expose(), "TAP-Xy7!secret");
    })
    .await;
    let logged = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("graph{"), "{logged}");
    assert!(logged.contains("path=\"/users/{id}\""), "{logged}");
    assert!(logged.contains("status=429"), "{logged}");
    assert!(logged.contains("request_id=\"req-429\""), "{logged}");
    assert!(logged.contains("duration_ms="), "{logged}");
    assert!(
        logged.contains("x-ms-throttle-scope=Tenant_Application"),
        "{logged}"
    );
    assert!(logged.contains("client_request_id="), "{logged}");
    assert!(logged.contains("/users/{id}/authentication/temporaryAccessPassMethods"));
    for secret in [SECRET, "tok1", "Bearer", "TAP-Xy7", "kim@contoso.com"] {
        assert!(!logged.contains(secret), "{secret} was logged:\n{logged}");
    }
}
