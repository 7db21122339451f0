//! Whether a text is a userPrincipalName Entra accepts: `local@domain`, one `@`, the local
//! part at most 64 characters of letters, digits and `' . - _ ! # ^ ~` (not starting or
//! ending with a dot), the domain a dotted DNS name, at most 113 characters in all.
//! Guests' `#EXT#` UPNs pass (their `#` is allowed); a display name or an object id does not.

/// The UPN, trimmed, or a sentence saying why it is not one.
pub fn check_upn(text: &str) -> Result<String, String> {
    let upn = text.trim();
    let bad = |why: &str| Err(format!("'{upn}' is not a user principal name: {why}"));
    if upn.is_empty() {
        return Err("the user principal name is empty".to_owned());
    }
    if upn.chars().count() > 113 {
        return bad("longer than 113 characters");
    }
    let Some((local, domain)) = upn.split_once('@') else {
        return bad("no @");
    };
    if domain.contains('@') {
        return bad("more than one @");
    }
    let local_ok = |c: char| c.is_alphanumeric() || "'.-_!#^~".contains(c);
    if local.is_empty() || local.chars().count() > 64 || !local.chars().all(local_ok) {
        return bad("the part before @ is empty, too long or has characters Entra refuses");
    }
    if local.starts_with('.') || local.ends_with('.') {
        return bad("the part before @ starts or ends with a dot");
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if !domain.contains('.') || !domain.split('.').all(label_ok) {
        return bad("the part after @ is not a domain name");
    }
    Ok(upn.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upns_pass_and_other_text_does_not() {
        for good in [
            "kim@contoso.com",
            " o'neil.j@sub.contoso.co.uk ",
            "ext_x#EXT#@contoso.onmicrosoft.com",
        ] {
            assert!(check_upn(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Kim User",
            "kim@",
            "@contoso.com",
            "kim@contoso",
            "a@b@c.com",
            "kim smith@contoso.com",
            ".kim@contoso.com",
            "kim@-contoso.com",
            "kim@contoso..com",
        ] {
            assert!(check_upn(bad).is_err(), "{bad}");
        }
    }
}
