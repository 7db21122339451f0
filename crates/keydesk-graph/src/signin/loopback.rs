//! The loopback redirect listener of the browser sign-in, and PKCE.
//!
//! Listens on 127.0.0.1 on a random port and answers the one redirect Entra sends the
//! browser to: `GET /?code=…&state=…` (or `error=…`). Anything else (a favicon, a wrong
//! `state`) gets a 404/400 and the wait goes on, so a stray request cannot end or hijack
//! the sign-in. It speaks just enough HTTP/1.1 for a browser; it is not a web server.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

use crate::{GraphError, Secret};

/// Longest request head read from the browser.
const MAX_HEAD: usize = 16 * 1024;
/// How long one browser connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A PKCE verifier (secret) and its S256 challenge.
pub(crate) fn pkce_pair() -> (Secret, String) {
    let bytes: [u8; 32] = rand::random();
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (Secret::new(verifier), challenge)
}

/// What the redirect carried.
enum Redirect {
    Code(Secret),
    Error(String, String),
}

/// A listener waiting for the sign-in redirect.
pub(crate) struct Loopback {
    listener: TcpListener,
    port: u16,
}

impl Loopback {
    /// Binds 127.0.0.1 on a free port.
    pub(crate) async fn bind() -> Result<Self, GraphError> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| GraphError::Network(format!("cannot listen for the sign-in: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| GraphError::Network(format!("cannot listen for the sign-in: {e}")))?
            .port();
        Ok(Loopback { listener, port })
    }

    /// `http://localhost:<port>`, as Entra must be told.
    pub(crate) fn redirect_uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Waits up to `limit` for a redirect with `state`, and returns its code.
    pub(crate) async fn wait(&self, state: &str, limit: Duration) -> Result<Secret, GraphError> {
        let waited = tokio::time::timeout(limit, async {
            loop {
                let Ok((stream, _)) = self.listener.accept().await else {
                    continue;
                };
                if let Some(outcome) = answer(stream, state).await {
                    return outcome;
                }
            }
        })
        .await;
        match waited {
            Ok(Redirect::Code(code)) => Ok(code),
            Ok(Redirect::Error(code, description)) => Err(GraphError::SignIn {
                remediation: if code == "access_denied" {
                    "Sign-in was cancelled or refused: sign in again with an account that \
                     may provision passkeys."
                        .into()
                } else {
                    "Sign-in failed in the browser: read the message, then sign in again.".into()
                },
                message: description,
                code,
                trace_id: None,
            }),
            Err(_) => Err(GraphError::SignIn {
                code: "timeout".into(),
                message: "the browser sign-in did not finish in time".into(),
                remediation: "Sign in again and finish the sign-in in the browser window \
                    KeyDesk opens (or use device code sign-in)."
                    .into(),
                trace_id: None,
            }),
        }
    }
}

/// Reads one request and answers it; `Some` when it was the redirect.
async fn answer(mut stream: TcpStream, state: &str) -> Option<Redirect> {
    let head = tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream))
        .await
        .ok()
        .flatten()?;
    let target = head
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("GET "))
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or("");
    let url = Url::parse(&format!("http://localhost{target}")).ok();
    let pairs: Vec<(String, String)> = url
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let redirect = match (get("code"), get("error")) {
        (None, None) => {
            respond(&mut stream, "404 Not Found", "Nothing here.").await;
            return None;
        }
        _ if get("state").as_deref() != Some(state) => {
            respond(
                &mut stream,
                "400 Bad Request",
                "This sign-in is not the one KeyDesk started.",
            )
            .await;
            return None;
        }
        (Some(code), _) => Redirect::Code(Secret::new(code)),
        (None, Some(error)) => Redirect::Error(error, get("error_description").unwrap_or_default()),
    };
    let text = match redirect {
        Redirect::Code(_) => "Signed in to KeyDesk. You can close this window.",
        Redirect::Error(..) => "Sign-in failed. Return to KeyDesk for details.",
    };
    respond(&mut stream, "200 OK", text).await;
    Some(redirect)
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 || head.len() + read > MAX_HEAD {
            break;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8(head).ok()
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>KeyDesk</title></head>\
         <body><p>{text}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_is_s256_of_the_verifier() {
        let (verifier, challenge) = pkce_pair();
        assert_eq!(verifier.expose().len(), 43);
        let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose().as_bytes()));
        assert_eq!(challenge, expected);
        assert_ne!(pkce_pair().1, challenge);
    }

    #[tokio::test]
    async fn stray_requests_do_not_end_the_wait_and_the_code_does() {
        let loopback = Loopback::bind().await.unwrap();
        let base = format!("http://127.0.0.1:{}", loopback.port);
        let browser = tokio::spawn(async move {
            let http = reqwest::Client::new();
            let favicon = http
                .get(format!("{base}/favicon.ico"))
                .send()
                .await
                .unwrap();
            assert_eq!(favicon.status(), 404);
            let forged = http
                .get(format!("{base}/?code=evil&state=other"))
                .send()
                .await;
            assert_eq!(forged.unwrap().status(), 400);
            let real = http.get(format!("{base}/?code=c0de&state=s1")).send().await;
            assert!(real.unwrap().text().await.unwrap().contains("Signed in"));
        });
        let code = tokio::time::timeout(
            Duration::from_secs(10),
            loopback.wait("s1", Duration::from_secs(10)),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(code.expose(), "c0de");
        browser.await.unwrap();
    }

    #[tokio::test]
    async fn an_error_redirect_is_a_sign_in_error() {
        let loopback = Loopback::bind().await.unwrap();
        let url = format!(
            "http://127.0.0.1:{}/?error=access_denied&error_description=User%20cancelled&state=s",
            loopback.port
        );
        tokio::spawn(async move { reqwest::get(url).await });
        let error = loopback
            .wait("s", Duration::from_secs(10))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, GraphError::SignIn { code, message, .. }
            if code == "access_denied" && message == "User cancelled"),
            "{error:?}"
        );
    }
}
