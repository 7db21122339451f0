//! [`may_register`] against each policy shape Graph documents: enabled or not, self-service, allow and block lists, attestation, passkey profiles.

use super::*;

const YUBI: &str = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
const OTHER: &str = "ee882879-721c-4913-9775-3dfcce97072a";

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

fn user() -> DirectoryUser {
    DirectoryUser {
        id: "u1".into(),
        upn: "kim@contoso.com".into(),
        display_name: "Kim".into(),
        enabled: true,
        guest: false,
        department: None,
        office: None,
    }
}

fn policy(json: &str) -> Fido2Policy {
    parse_policy(json.as_bytes()).unwrap()
}

#[test]
fn an_open_policy_allows_any_key_for_a_member() {
    let open = policy(
        r#"{"state":"enabled","isSelfServiceRegistrationAllowed":true,"keyRestrictions":{"isEnforced":false,"enforcementType":"block","aaGuids":[]}}"#,
    );
    assert_eq!(may_register(&open, uuid(YUBI), &user()), Ok(()));
    let mut guest = user();
    guest.guest = true;
    assert!(matches!(
        may_register(&open, uuid(YUBI), &guest),
        Err(PolicyRefusal::Guest(_))
    ));
    let mut disabled = user();
    disabled.enabled = false;
    assert!(matches!(
        may_register(&open, uuid(YUBI), &disabled),
        Err(PolicyRefusal::DisabledAccount(_))
    ));
}

#[test]
fn disabled_method_and_self_service_off_are_refused_first() {
    let off = policy(r#"{"state":"disabled","isSelfServiceRegistrationAllowed":true}"#);
    assert_eq!(
        may_register(&off, uuid(YUBI), &user()),
        Err(PolicyRefusal::MethodDisabled)
    );
    let no_self = policy(r#"{"state":"enabled","isSelfServiceRegistrationAllowed":false}"#);
    let refusal = may_register(&no_self, uuid(YUBI), &user()).unwrap_err();
    assert_eq!(refusal, PolicyRefusal::SelfServiceNotAllowed);
    assert!(refusal.remediation().contains("Allow"));
}

#[test]
fn allow_and_block_lists_decide_by_aaguid_in_any_case() {
    let allow = policy(&format!(
        r#"{{"state":"enabled","isSelfServiceRegistrationAllowed":true,"keyRestrictions":{{"isEnforced":true,"enforcementType":"allow","aaGuids":["{}"]}}}}"#,
        YUBI.to_uppercase()
    ));
    assert_eq!(may_register(&allow, uuid(YUBI), &user()), Ok(()));
    assert_eq!(
        may_register(&allow, uuid(OTHER), &user()),
        Err(PolicyRefusal::NotAllowed(uuid(OTHER)))
    );
    let block = policy(&format!(
        r#"{{"state":"enabled","isSelfServiceRegistrationAllowed":true,"keyRestrictions":{{"isEnforced":true,"enforcementType":"block","aaGuids":["{YUBI}"]}}}}"#
    ));
    let refusal = may_register(&block, uuid(YUBI), &user()).unwrap_err();
    assert_eq!(refusal, PolicyRefusal::Blocked(uuid(YUBI)));
    assert!(refusal.to_string().contains(YUBI));
    assert_eq!(may_register(&block, uuid(OTHER), &user()), Ok(()));
}

#[test]
fn passkey_profiles_supersede_top_level_restrictions() {
    let profiles = policy(&format!(
        r#"{{"state":"enabled","isSelfServiceRegistrationAllowed":true,
            "keyRestrictions":{{"isEnforced":true,"enforcementType":"block","aaGuids":["{YUBI}"]}},
            "passkeyProfiles":[
              {{"id":"p1","name":"Yubico only","keyRestrictions":{{"isEnforced":true,"enforcementType":"allow","aaGuids":["{YUBI}"]}}}},
              {{"id":"p2","name":"Anything","keyRestrictions":{{"isEnforced":false}}}}],
            "includeTargets":[{{"id":"all_users","allowedPasskeyProfiles":["p1"]}}]}}"#
    ));
    assert_eq!(profiles.profiles.len(), 2);
    assert_eq!(may_register(&profiles, uuid(YUBI), &user()), Ok(()));
    assert_eq!(
        may_register(&profiles, uuid(OTHER), &user()),
        Err(PolicyRefusal::NotAllowed(uuid(OTHER)))
    );
    let mut all = profiles.clone();
    all.allowed_profiles.clear();
    assert_eq!(may_register(&all, uuid(OTHER), &user()), Ok(()));
}
