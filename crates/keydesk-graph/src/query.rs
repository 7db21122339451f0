//! OData query strings, percent-encoded the way Graph reads them.
//!
//! `url`'s form encoder writes spaces as `+`, which OData filters do not reliably read as
//! a space, so values are encoded here with `%20` and everything outside the unreserved
//! set escaped, except the OData punctuation `$ , ( ) '`.

use url::Url;

/// `url` with `pairs` as its query (any existing query replaced).
pub(crate) fn with_query(mut url: Url, pairs: &[(&str, &str)]) -> Url {
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    url.set_query(Some(&query));
    url
}

/// `$filter=displayName eq '<name>'`, quotes doubled as OData requires.
pub(crate) fn eq_literal(field: &str, value: &str) -> String {
    format!("{field} eq '{}'", value.replace('\'', "''"))
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            b'$' | b',' | b'(' | b')' | b'\'' => out.push(byte as char),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_escape_quotes_and_encode_spaces() {
        let url = Url::parse("https://graph.microsoft.com/v1.0/groups").unwrap();
        let filter = eq_literal("displayName", "O'Brien & Co+");
        assert_eq!(filter, "displayName eq 'O''Brien & Co+'");
        let url = with_query(url, &[("$filter", &filter), ("$top", "999")]);
        assert_eq!(
            url.as_str(),
            "https://graph.microsoft.com/v1.0/groups?\
             $filter=displayName%20eq%20%27O%27%27Brien%20%26%20Co%2B%27&$top=999"
        );
        let decoded: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(decoded[0].1, "displayName eq 'O''Brien & Co+'");
    }
}
