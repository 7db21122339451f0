//! Reading Graph's creationOptions document into [`CreationOptions`].
//!
//! The document is read as JSON values, field by field, so a missing or mistyped field is
//! reported by its path (`publicKey.challenge`). It may sit at the top level or inside
//! `"value"` (documentation samples wrap it; live answers do not). Credential ids are decoded with [`decode_lenient`], the user
//! handle strictly as plain base64url ([`decode_user_handle`]); everything the key needs
//! (rp, user, algorithms, extensions) comes from the document, nothing is assumed except
//! where the WebAuthn spec gives a default (noted below).

use keydesk_core::b64::{decode_lenient, readings};
use keydesk_core::options::{decode_user_handle, CredProtect};
use keydesk_core::CreationOptions;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::GraphError;

/// Parses a creationOptions response body.
pub(crate) fn parse(body: &[u8], request_id: Option<&str>) -> Result<CreationOptions, GraphError> {
    let malformed = |what: &str, detail: String| GraphError::Malformed {
        what: what.into(),
        detail,
        request_id: request_id.map(str::to_owned),
    };
    let document: Value =
        serde_json::from_slice(body).map_err(|e| malformed("creationOptions", e.to_string()))?;
    let root = if document.get("publicKey").is_some() {
        &document
    } else {
        match document.get("value") {
            Some(value) if value.get("publicKey").is_some() => value,
            _ => return Err(malformed("publicKey", "missing".into())),
        }
    };
    read(root).map_err(|(what, detail)| malformed(&what, detail))
}

type Fail = (String, String);

fn read(root: &Value) -> Result<CreationOptions, Fail> {
    let pk = object(root, "publicKey", "publicKey")?;
    let expires = string(root, "challengeTimeoutDateTime", "challengeTimeoutDateTime")?;
    let expires_at_unix = parse_time(expires).ok_or_else(|| {
        fail(
            "challengeTimeoutDateTime",
            format!("not a date-time: {expires:?}"),
        )
    })?;
    let challenge = string(pk, "challenge", "publicKey.challenge")?;
    if challenge.is_empty() {
        return Err(fail("publicKey.challenge", "empty".into()));
    }
    let rp = object(pk, "rp", "publicKey.rp")?;
    let user = object(pk, "user", "publicKey.user")?;
    let user_id = string(user, "id", "publicKey.user.id")?;
    let user_handle =
        decode_user_handle(user_id).map_err(|e| fail("publicKey.user.id", e.to_string()))?;
    if user_handle.is_empty() || user_handle.len() > 64 {
        return Err(fail(
            "publicKey.user.id",
            format!("{} bytes, WebAuthn allows 1 to 64", user_handle.len()),
        ));
    }
    Ok(CreationOptions {
        challenge: challenge.to_owned(),
        expires_at_unix,
        rp_id: non_empty(string(rp, "id", "publicKey.rp.id")?, "publicKey.rp.id")?,
        rp_name: optional_string(rp, "name", "publicKey.rp.name")?
            .unwrap_or_default()
            .to_owned(),
        user_handle,
        user_name: non_empty(
            string(user, "name", "publicKey.user.name")?,
            "publicKey.user.name",
        )?,
        user_display_name: optional_string(user, "displayName", "publicKey.user.displayName")?
            .unwrap_or_default()
            .to_owned(),
        algorithms: algorithms(pk)?,
        exclude_credentials: exclude_credentials(pk)?,
        resident_key: resident_key(pk)?,
        hmac_secret: extension_flag(pk, "hmacCreateSecret")?,
        cred_protect: cred_protect(pk)?,
        beta: false,
    })
}

/// COSE algorithms of the `public-key` entries, in order. An empty list means ES256 and
/// RS256 (WebAuthn §5.4).
fn algorithms(pk: &Value) -> Result<Vec<i64>, Fail> {
    let params = array(pk, "pubKeyCredParams", "publicKey.pubKeyCredParams")?;
    let mut algs = Vec::new();
    for (i, param) in params.iter().enumerate() {
        let kind = optional_string(
            param,
            "type",
            &format!("publicKey.pubKeyCredParams[{i}].type"),
        )?;
        if kind.is_some_and(|k| k != "public-key") {
            continue;
        }
        let alg = param.get("alg").and_then(Value::as_i64).ok_or_else(|| {
            fail(
                &format!("publicKey.pubKeyCredParams[{i}].alg"),
                "missing or not an integer".into(),
            )
        })?;
        algs.push(alg);
    }
    if params.is_empty() {
        algs = vec![-7, -257];
    }
    Ok(algs)
}

fn exclude_credentials(pk: &Value) -> Result<Vec<Vec<u8>>, Fail> {
    let Some(list) = pk.get("excludeCredentials").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| fail("publicKey.excludeCredentials", "not an array".into()))?;
    // v1.0 documents plain base64url, beta the padding-digit form, samples show standard
    // base64 with `=`: an id that decodes both ways is excluded under both readings (a
    // reading that matches nothing on the key costs nothing).
    let mut ids: Vec<Vec<u8>> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let what = format!("publicKey.excludeCredentials[{i}].id");
        let id = string(entry, "id", &what)?;
        let all = readings(id);
        if all.is_empty() {
            let error = decode_lenient(id).err().map(|e| e.to_string());
            return Err(fail(&what, error.unwrap_or_else(|| "not base64".into())));
        }
        for reading in all {
            if !ids.contains(&reading) {
                ids.push(reading);
            }
        }
    }
    Ok(ids)
}

/// `requireResidentKey`, else `residentKey` (L2), else true: Entra passkeys are always
/// discoverable (Entra asks for a resident key: rk = true).
fn resident_key(pk: &Value) -> Result<bool, Fail> {
    let Some(selection) = pk.get("authenticatorSelection").filter(|v| !v.is_null()) else {
        return Ok(true);
    };
    if let Some(flag) = selection.get("requireResidentKey").filter(|v| !v.is_null()) {
        return flag.as_bool().ok_or_else(|| {
            fail(
                "publicKey.authenticatorSelection.requireResidentKey",
                "not a boolean".into(),
            )
        });
    }
    let what = "publicKey.authenticatorSelection.residentKey";
    Ok(match optional_string(selection, "residentKey", what)? {
        Some(value) => value != "discouraged",
        None => true,
    })
}

fn extension_flag(pk: &Value, name: &str) -> Result<bool, Fail> {
    match pk.get("extensions").and_then(|e| e.get(name)) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(_) => Err(fail(
            &format!("publicKey.extensions.{name}"),
            "not a boolean".into(),
        )),
    }
}

/// An unknown policy name is refused rather than silently weakened.
fn cred_protect(pk: &Value) -> Result<Option<CredProtect>, Fail> {
    let Some(extensions) = pk.get("extensions").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let what = "publicKey.extensions.credentialProtectionPolicy";
    match optional_string(extensions, "credentialProtectionPolicy", what)? {
        None => Ok(None),
        Some(name) => CredProtect::from_policy_name(name)
            .map(Some)
            .ok_or_else(|| fail(what, format!("unknown policy {name:?}"))),
    }
}

/// RFC 3339; a zone-less date-time (as `innerError.date` is written) is read as UTC.
fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at.unix_timestamp());
    }
    let zoneless = format_description!(
        version = 2,
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    PrimitiveDateTime::parse(text, &zoneless)
        .ok()
        .map(|at| at.assume_utc().unix_timestamp())
}

fn fail(what: &str, detail: String) -> Fail {
    (what.to_owned(), detail)
}

fn object<'a>(parent: &'a Value, key: &str, what: &str) -> Result<&'a Value, Fail> {
    match parent.get(key) {
        Some(value) if value.is_object() => Ok(value),
        Some(Value::Null) | None => Err(fail(what, "missing".into())),
        Some(_) => Err(fail(what, "not an object".into())),
    }
}

fn array<'a>(parent: &'a Value, key: &str, what: &str) -> Result<&'a Vec<Value>, Fail> {
    match parent.get(key) {
        Some(Value::Array(items)) => Ok(items),
        Some(Value::Null) | None => Err(fail(what, "missing".into())),
        Some(_) => Err(fail(what, "not an array".into())),
    }
}

fn string<'a>(parent: &'a Value, key: &str, what: &str) -> Result<&'a str, Fail> {
    optional_string(parent, key, what)?.ok_or_else(|| fail(what, "missing".into()))
}

fn optional_string<'a>(parent: &'a Value, key: &str, what: &str) -> Result<Option<&'a str>, Fail> {
    match parent.get(key) {
        Some(Value::String(text)) => Ok(Some(text)),
        Some(Value::Null) | None => Ok(None),
        Some(_) => Err(fail(what, "not a string".into())),
    }
}

fn non_empty(text: &str, what: &str) -> Result<String, Fail> {
    if text.trim().is_empty() {
        Err(fail(what, "empty".into()))
    } else {
        Ok(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{ "challengeTimeoutDateTime": "2026-11-28T16:29:58Z",
      "publicKey": {
        "challenge": "dGhlLWNoYWxsZW5nZQ", "timeout": 0, "attestation": "direct",
        "rp": { "id": "login.microsoft.com", "name": "Microsoft" },
        "user": { "id": "AAECAw", "name": "kim@contoso.com", "displayName": "Kim User" },
        "pubKeyCredParams": [ {"type":"public-key","alg":-7}, {"type":"public-key","alg":-257} ],
        "excludeCredentials": [ {"id":"-_8QIDA1","type":"public-key","transports":[]},
                                {"id":"AAE1","type":"public-key"},
                                {"id":"+/8QIDA=","type":"public-key"} ],
        "authenticatorSelection": { "authenticatorAttachment":"cross-platform",
                                    "requireResidentKey":true, "userVerification":"required" },
        "extensions": { "hmacCreateSecret": true, "enforceCredentialProtectionPolicy": true,
                        "credentialProtectionPolicy": "userVerificationOptional" },
        "somethingNew": {"ignored": true} } }"#;

    fn plain(text: &str) -> Vec<u8> {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .unwrap()
    }

    fn expected() -> CreationOptions {
        CreationOptions {
            challenge: "dGhlLWNoYWxsZW5nZQ".into(),
            expires_at_unix: 1_795_883_398,
            rp_id: "login.microsoft.com".into(),
            rp_name: "Microsoft".into(),
            user_handle: vec![0, 1, 2, 3],
            user_name: "kim@contoso.com".into(),
            user_display_name: "Kim User".into(),
            algorithms: vec![-7, -257],
            // Both readings of ids that decode both ways, each byte string once.
            exclude_credentials: vec![
                vec![0xfb, 0xff, 0x10, 0x20, 0x30],
                plain("-_8QIDA1"),
                vec![0, 1],
                plain("AAE1"),
            ],
            resident_key: true,
            hmac_secret: true,
            cred_protect: Some(CredProtect::UvOptional),
            beta: false,
        }
    }

    #[test]
    fn top_level_document() {
        assert_eq!(parse(SAMPLE.as_bytes(), None).unwrap(), expected());
    }

    #[test]
    fn value_wrapped_document() {
        let wrapped = format!(r#"{{"@odata.context":"x","value":{SAMPLE}}}"#);
        assert_eq!(parse(wrapped.as_bytes(), None).unwrap(), expected());
    }

    #[test]
    fn the_timestamp_is_utc() {
        assert_eq!(
            OffsetDateTime::from_unix_timestamp(expected().expires_at_unix)
                .unwrap()
                .format(&Rfc3339)
                .unwrap(),
            "2026-11-28T16:29:58Z"
        );
        assert_eq!(
            parse_time("2026-11-28T16:29:58.1234567Z"),
            Some(1_795_883_398)
        );
        assert_eq!(parse_time("2026-11-28T17:29:58+01:00"), Some(1_795_883_398));
        assert_eq!(parse_time("2026-11-28T16:29:58"), Some(1_795_883_398));
        assert_eq!(parse_time("soon"), None);
    }

    fn edited(edit: impl FnOnce(&mut Value)) -> Result<CreationOptions, GraphError> {
        let mut doc: Value = serde_json::from_str(SAMPLE).unwrap();
        edit(&mut doc);
        parse(&serde_json::to_vec(&doc).unwrap(), Some("rid"))
    }

    type Edit = Box<dyn FnOnce(&mut Value)>;

    fn malformed_what(result: Result<CreationOptions, GraphError>) -> String {
        match result {
            Err(GraphError::Malformed {
                what, request_id, ..
            }) => {
                assert_eq!(request_id.as_deref(), Some("rid"));
                what
            }
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn a_missing_challenge_is_malformed() {
        let what = malformed_what(edited(|d| {
            d["publicKey"].as_object_mut().unwrap().remove("challenge");
        }));
        assert_eq!(what, "publicKey.challenge");
    }

    #[test]
    fn other_bad_fields_are_named() {
        let cases: Vec<(&str, Edit)> = vec![
            (
                "publicKey.user.id",
                Box::new(|d| d["publicKey"]["user"]["id"] = "a*b".into()),
            ),
            (
                "publicKey.rp",
                Box::new(|d| d["publicKey"]["rp"] = Value::Null),
            ),
            (
                "challengeTimeoutDateTime",
                Box::new(|d| d["challengeTimeoutDateTime"] = "tomorrow".into()),
            ),
            (
                "publicKey.excludeCredentials[1].id",
                Box::new(|d| d["publicKey"]["excludeCredentials"][1]["id"] = 5.into()),
            ),
            (
                "publicKey.pubKeyCredParams[0].alg",
                Box::new(|d| d["publicKey"]["pubKeyCredParams"][0]["alg"] = "ES256".into()),
            ),
            (
                "publicKey.extensions.credentialProtectionPolicy",
                Box::new(|d| {
                    d["publicKey"]["extensions"]["credentialProtectionPolicy"] = "strict".into()
                }),
            ),
            (
                "publicKey",
                Box::new(|d| *d = serde_json::json!({"value": 1})),
            ),
        ];
        for (expected, edit) in cases {
            assert_eq!(malformed_what(edited(edit)), expected);
        }
    }

    #[test]
    fn optional_parts_default_sensibly() {
        let options = edited(|d| {
            let pk = d["publicKey"].as_object_mut().unwrap();
            pk.remove("excludeCredentials");
            pk.remove("extensions");
            pk.remove("authenticatorSelection");
        })
        .unwrap();
        assert!(options.exclude_credentials.is_empty());
        assert!(!options.hmac_secret);
        assert_eq!(options.cred_protect, None);
        assert!(options.resident_key);
    }
}
