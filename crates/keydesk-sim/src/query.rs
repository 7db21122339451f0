//! OData query options: `$select`, `$top`, `$skiptoken`, and the one `$filter` form served.
//!
//! Not an OData parser: `$filter` understands only `displayName eq '<name>'` (with `''` for a
//! quote inside the name), which is all KeyDesk sends.

use crate::error::GraphError;

/// Decoded query pairs in request order.
#[derive(Debug, Default, Clone)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses a raw query string (percent- and `+`-decoding).
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Query { pairs }
    }

    /// The value of an option, matched case-insensitively with or without its `$`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k.trim_start_matches('$').eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every pair except the named option, for rebuilding a nextLink.
    pub fn without<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a (String, String)> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| !k.trim_start_matches('$').eq_ignore_ascii_case(name))
    }

    /// `$select` as a list of property names.
    pub fn select(&self) -> Option<Vec<String>> {
        self.get("select").map(|s| {
            s.split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect()
        })
    }
}

/// Reads `displayName eq 'NAME'` and returns NAME with `''` unescaped.
pub fn display_name_filter(filter: &str) -> Result<String, GraphError> {
    let unsupported = || {
        GraphError::bad_request(format!(
            "Invalid filter clause: the simulated tenant supports only displayName eq '<name>', got: {filter}"
        ))
    };
    let rest = filter.trim();
    let (property, rest) = rest
        .split_once(char::is_whitespace)
        .ok_or_else(unsupported)?;
    let (operator, rest) = rest
        .trim_start()
        .split_once(char::is_whitespace)
        .ok_or_else(unsupported)?;
    if !property.eq_ignore_ascii_case("displayName") || !operator.eq_ignore_ascii_case("eq") {
        return Err(unsupported());
    }
    let literal = rest.trim();
    let inner = literal
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .filter(|_| literal.len() >= 2)
        .ok_or_else(unsupported)?;
    // Inside the literal a quote must be doubled; a lone quote ends it early.
    let mut name = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return Err(unsupported());
        }
        name.push(c);
    }
    Ok(name)
}

/// Reads `$search`'s `"displayName:TEXT"` (the whole clause in double quotes, a quote or
/// backslash inside escaped by a backslash) and returns TEXT. Other properties and forms
/// are refused, as Entra does.
pub fn display_name_search(search: &str) -> Result<String, GraphError> {
    let unsupported = || {
        GraphError::bad_request(format!(
            "Syntax error: the simulated tenant supports only $search=\"displayName:<text>\", got: {search}"
        ))
    };
    let inner = search
        .trim()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(unsupported)?;
    let (property, text) = inner.split_once(':').ok_or_else(unsupported)?;
    if !property.trim().eq_ignore_ascii_case("displayName") {
        return Err(unsupported());
    }
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().ok_or_else(unsupported)?),
            '"' => return Err(unsupported()),
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_unescapes_doubled_quotes() {
        assert_eq!(
            display_name_filter("displayName eq 'O''Brien Team'").unwrap(),
            "O'Brien Team"
        );
        assert_eq!(
            display_name_filter("displayName eq 'FIDO Provisioning'").unwrap(),
            "FIDO Provisioning"
        );
        assert!(display_name_filter("displayName eq 'O'Brien'").is_err());
        assert!(display_name_filter("startswith(displayName,'x')").is_err());
    }

    #[test]
    fn search_reads_the_quoted_display_name_clause() {
        assert_eq!(
            display_name_search(r#""displayName:FIDO""#).unwrap(),
            "FIDO"
        );
        assert_eq!(
            display_name_search(r#""displayName:say \"hi\"""#).unwrap(),
            r#"say "hi""#
        );
        assert!(display_name_search("displayName:FIDO").is_err());
        assert!(display_name_search(r#""mail:FIDO""#).is_err());
    }

    #[test]
    fn query_decodes_percent_and_dollar_forms() {
        let q = Query::parse(Some("%24filter=displayName%20eq%20%27A%27&$top=5"));
        assert_eq!(q.get("filter"), Some("displayName eq 'A'"));
        assert_eq!(q.get("top"), Some("5"));
    }
}
