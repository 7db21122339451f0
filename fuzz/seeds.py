#!/usr/bin/env python3
"""Writes the hand-made seed inputs of each fuzz target into fuzz/corpus/<target>/.

Seeds are valid inputs and edge cases; the fuzzer's finds are added next to them (and
minimised with `cargo fuzz cmin`). Run from anywhere: `python3 fuzz/seeds.py`.
"""
import hashlib
import hmac
import json
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
AUDIT_KEY = b"keydesk-fuzz-audit-key-32-bytes!"


def put(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, "seed-" + name), "wb") as f:
        f.write(data)


def cbor(v):
    """A small canonical-enough CBOR encoder for seeds (ints, bytes, text, lists, maps, bools)."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for extra, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | extra]) + struct.pack(fmt, n)
    if isinstance(v, bool):
        return b"\xf5" if v else b"\xf4"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, bytes):
        return head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return head(3, len(b)) + b
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    raise TypeError(v)


def auth_data(cred_id=b"\x11" * 32, flags=0x45, extensions=None):
    rp = hashlib.sha256(b"login.microsoft.com").digest()
    aaguid = bytes.fromhex("ee882879721c49139775 3dfcce97072a".replace(" ", ""))
    cose = cbor({1: 2, 3: -7, -1: 1, -2: b"\x01" * 32, -3: b"\x02" * 32})
    out = rp + bytes([flags]) + struct.pack(">I", 7) + aaguid
    out += struct.pack(">H", len(cred_id)) + cred_id + cose
    if extensions is not None:
        out += cbor(extensions)
    return out


def b64_seeds():
    for name, text in [
        ("plain", "-_8QIDA"), ("padded", "-_8QIDA="), ("standard", "+/8QIDA="),
        ("digit1", "-_8QIDA1"), ("digit0", "AAAA0"), ("digit2", "AA2"), ("ambiguous", "AAE1"),
        ("empty", ""), ("spaces", "  AAAA  "), ("garbage", "a*b"), ("only-pad", "===="),
        ("digit-only", "1"), ("unicode", "AA\u00e9=")]:
        put("b64", name, text)


SAMPLE = {
    "challengeTimeoutDateTime": "2026-11-28T16:29:58Z",
    "publicKey": {
        "challenge": "dGhlLWNoYWxsZW5nZQ", "timeout": 0, "attestation": "direct",
        "rp": {"id": "login.microsoft.com", "name": "Microsoft"},
        "user": {"id": "AAECAw", "name": "kim@contoso.com", "displayName": "Kim User"},
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -257}],
        "excludeCredentials": [{"id": "-_8QIDA1", "type": "public-key", "transports": []},
                               {"id": "AAE1", "type": "public-key"}],
        "authenticatorSelection": {"authenticatorAttachment": "cross-platform",
                                   "requireResidentKey": True, "userVerification": "required"},
        "extensions": {"hmacCreateSecret": True, "enforceCredentialProtectionPolicy": True,
                       "credentialProtectionPolicy": "userVerificationOptional"}}}


def creation_options_seeds():
    put("creation_options", "sample", json.dumps(SAMPLE))
    put("creation_options", "wrapped", json.dumps({"value": SAMPLE}))
    zoneless = json.loads(json.dumps(SAMPLE))
    zoneless["challengeTimeoutDateTime"] = "2026-11-28T16:29:58.1234567"
    put("creation_options", "zoneless-time", json.dumps(zoneless))
    bare = json.loads(json.dumps(SAMPLE))
    for k in ("excludeCredentials", "authenticatorSelection", "extensions"):
        del bare["publicKey"][k]
    put("creation_options", "minimal", json.dumps(bare))
    long_user = json.loads(json.dumps(SAMPLE))
    long_user["publicKey"]["user"]["id"] = "A" * 100
    put("creation_options", "user-id-too-long", json.dumps(long_user))
    put("creation_options", "empty-object", "{}")
    put("creation_options", "not-json", "<html>")


def auth_data_seeds():
    put("auth_data", "packed", auth_data())
    put("auth_data", "with-extensions", auth_data(flags=0xC5, extensions={"credProtect": 1}))
    put("auth_data", "no-at-flag", auth_data()[:37])
    put("auth_data", "id-length-too-long", auth_data()[:53] + b"\xff\xff" + b"\x00" * 4)
    put("auth_data", "short", b"\x00" * 36)
    put("auth_data", "empty", b"")


def ctap_response_seeds():
    stmt = {"alg": -7, "sig": b"\x30" * 70}
    put("ctap_response", "packed-self", cbor({1: "packed", 2: auth_data(), 3: stmt}))
    put("ctap_response", "packed-x5c",
        cbor({1: "packed", 2: auth_data(), 3: dict(stmt, x5c=[b"\x30\x82" + b"\x00" * 40])}))
    put("ctap_response", "none", cbor({1: "none", 2: auth_data(), 3: {}}))
    put("ctap_response", "ext", cbor({1: "packed", 2: auth_data(flags=0xC5,
        extensions={"credProtect": 2, "hmac-secret": True}), 3: stmt}))
    put("ctap_response", "short-authdata", cbor({1: "packed", 2: b"\x00" * 40, 3: stmt}))
    put("ctap_response", "not-a-map", cbor([1, 2, 3]))


def ctap2_request_seeds():
    rp = {"id": "login.microsoft.com", "name": "Microsoft"}
    user = {"id": b"\x05" * 51, "name": "kim@contoso.com", "displayName": "Kim"}
    params = [{"alg": -7, "type": "public-key"}]
    make = {1: b"\x01" * 32, 2: rp, 3: user, 4: params, 6: {"credProtect": 1, "hmac-secret": True},
            7: {"rk": True}, 8: b"\x00" * 16, 9: 2}
    put("ctap2_request", "get-info", b"\x04")
    put("ctap2_request", "make-credential", b"\x01" + cbor(make))
    put("ctap2_request", "make-credential-excluded",
        b"\x01" + cbor({**make, 5: [{"id": b"\x11" * 32, "type": "public-key"}]}))
    put("ctap2_request", "make-credential-rs256-only",
        b"\x01" + cbor({**make, 4: [{"alg": -257, "type": "public-key"}]}))
    no_pin = dict(make)
    del no_pin[8]
    put("ctap2_request", "make-credential-no-pin", b"\x01" + cbor(no_pin))
    put("ctap2_request", "get-assertion",
        b"\x02" + cbor({1: "login.microsoft.com", 2: b"\x02" * 32, 6: b"\x00" * 16, 7: 2}))
    put("ctap2_request", "not-a-map", b"\x01" + cbor([1]))
    put("ctap2_request", "truncated", b"\x01\xa5\x01")
    put("ctap2_request", "unknown-command", b"\x42")
    put("ctap2_request", "empty", b"")


def report(cid, cmd, bcnt, data):
    out = bytes(cid) + bytes([cmd]) + struct.pack(">H", bcnt) + data
    return (out + b"\x00" * 64)[:64]


def cont(cid, seq, data):
    return (bytes(cid) + bytes([seq]) + data + b"\x00" * 64)[:64]


def ctaphid_seeds():
    cid = [1, 2, 3, 4]
    answer = b"\x00" + cbor({1: ["FIDO_2_0", "FIDO_2_1"], 3: b"\x00" * 16})
    put("ctaphid", "cbor-ok", b"\x00" + report(cid, 0x90, len(answer), answer))
    keep = report(cid, 0xBB, 1, b"\x02")
    put("ctaphid", "cbor-keepalive", b"\x00" + keep + keep + report(cid, 0x90, 1, b"\x00"))
    long = b"\x00" + b"\xab" * 150
    put("ctaphid", "cbor-continued", b"\x00" + report(cid, 0x90, len(long), long[:57])
        + cont(cid, 0, long[57:116]) + cont(cid, 1, long[116:]))
    put("ctaphid", "cbor-out-of-sequence", b"\x00" + report(cid, 0x90, 100, b"\x00" * 57)
        + cont(cid, 5, b""))
    put("ctaphid", "cbor-other-channel", b"\x00" + report([9, 9, 9, 9], 0x90, 1, b"\x00")
        + report(cid, 0x90, 1, b"\x31"))
    put("ctaphid", "cbor-error", b"\x00" + report(cid, 0xBF, 1, b"\x06"))
    put("ctaphid", "cbor-empty", b"\x00" + report(cid, 0x90, 0, b""))
    put("ctaphid", "cbor-huge-bcnt", b"\x00" + report(cid, 0x90, 0xFFFF, b"\x00"))
    put("ctaphid", "echo-short", b"\x01\x10hello")
    put("ctaphid", "echo-long", b"\x01\x10" + bytes(range(256)) * 2)
    put("ctaphid", "init", b"\x02" + report([0xFF] * 4, 0x86, 17, b"\x00" * 8 + bytes(cid) + b"\x02\x05\x04\x03\x05"))


def graph_seeds():
    members = {"@odata.nextLink": "https://graph.microsoft.com/v1.0/groups/g/transitiveMembers?$skiptoken=x",
               "value": [{"id": "u1", "userPrincipalName": "kim@contoso.com", "displayName": "Kim",
                          "accountEnabled": True, "userType": "Member"},
                         {"id": "u2", "userPrincipalName": "guest_x.com#EXT#@contoso.com"}]}
    put("graph_reply", "members", b"\x00" + json.dumps(members).encode())
    put("graph_reply", "members-limited", b"\x00" + json.dumps(
        {"value": [{"@odata.type": "#microsoft.graph.user", "id": "u1"}]}).encode())
    passkeys = {"value": [{"id": "m1", "displayName": "YubiKey 5 NFC", "aaGuid":
                           "cb69481e-8ff7-4039-93ec-0a2729a154a8", "model": "YubiKey 5",
                           "createdDateTime": "2026-01-01T00:00:00Z"}, {"id": ""}]}
    put("graph_reply", "passkeys", b"\x01" + json.dumps(passkeys).encode())
    policy = {"state": "enabled", "isSelfServiceRegistrationAllowed": True,
              "isAttestationEnforced": False,
              "keyRestrictions": {"isEnforced": True, "enforcementType": "allow",
                                  "aaGuids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8", "junk"]},
              "passkeyProfiles": [{"id": "p", "name": "Default", "passkeyTypes": "deviceBound,synced",
                                   "attestationEnforcement": "disabled"}],
              "includeTargets": [{"allowedPasskeyProfiles": ["p"]}]}
    put("graph_reply", "policy", b"\x02" + json.dumps(policy).encode())
    put("graph_reply", "token", b"\x03" + json.dumps(
        {"access_token": "eyJ.x.y", "expires_in": 3599, "refresh_token": "r"}).encode())
    put("graph_reply", "token-string-lifetime", b"\x03" + json.dumps(
        {"access_token": "a", "expires_in": "99999999999999999999"}).encode())
    put("graph_reply", "aad-error", b"\x04" + json.dumps(
        {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret.\r\nTrace ID: x",
         "error_codes": [7000215]}).encode())
    put("graph_reply", "graph-error", b"\x05" + json.dumps(
        {"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges",
                   "innerError": {"request-id": "r", "client-request-id": "c"}}}).encode())
    claims = json.dumps({"roles": ["UserAuthMethod-Passkey.ReadWrite.All"], "wids":
                         ["62e90394-69f5-4237-9190-012177145e10"], "scp": "User.Read"}).encode()
    import base64
    jwt = "eyJhbGciOiJub25lIn0." + base64.urlsafe_b64encode(claims).decode().rstrip("=") + ".sig"
    put("graph_reply", "access-token", b"\x06" + jwt.encode())
    put("graph_reply", "html", b"\x05<html>Service Unavailable</html>")


def journal_seeds():
    attempt = {"before": ["m0"], "displayName": "YubiKey 5 NFC", "aaguid":
               "cb69481e-8ff7-4039-93ec-0a2729a154a8", "credentialId": "ERERERERERERERERERERERERERERERERERERERERERE",
               "graphTime": 1799999990, "localTime": 1799999990}
    listing = {"value": [{"id": "m0"}, {"id": "m1", "displayName": "YubiKey 5 NFC",
                          "aaGuid": "cb69481e-8ff7-4039-93ec-0a2729a154a8",
                          "createdDateTime": "2027-01-15T08:00:00Z"}]}
    put("journal", "posting", "posting\n" + json.dumps(attempt) + "\n" + json.dumps(listing))
    put("journal", "registered", "registered\n\n")
    put("journal", "unknown-state", "half_done\n{}\n")
    put("journal", "no-graph-time", "posting\n" + json.dumps(dict(attempt, graphTime=None)) + "\n{\"value\":[]}")
    put("journal", "extreme-times", "posting\n" + json.dumps(
        dict(attempt, graphTime=-9223372036854775808, localTime=9223372036854775807)) + "\n" + json.dumps(listing))


def audit_line(seq, prev, action, subject, detail=""):
    entry = {"seq": seq, "at": 1800000000 + seq, "operator": "admin@contoso.com", "action": action,
             "subject": subject, "detail": detail, "mac": ""}
    body = json.dumps(entry, separators=(",", ":"), ensure_ascii=False)
    entry["mac"] = hmac.new(AUDIT_KEY, prev.encode() + b"\n" + body.encode(), hashlib.sha256).hexdigest()
    return entry["mac"], json.dumps(entry, separators=(",", ":"), ensure_ascii=False)


def audit_seeds():
    head = "0" * 64
    lines = []
    for seq, (action, subject) in enumerate([("registered", "u1"), ("pin delivered", "u1"),
                                              ("key reset", "SN-1")], start=1):
        head, line = audit_line(seq, head, action, subject, "fine")
        lines.append(line)
    log = "".join(l + "\n" for l in lines)
    export = log + json.dumps({"head": {"seq": 3, "mac": head}}, separators=(",", ":")) + "\n"
    put("audit", "log", log)
    put("audit", "export", export)
    put("audit", "torn-tail", log + lines[0][:20])
    put("audit", "unterminated", log.rstrip("\n"))
    put("audit", "edited", log.replace("fine", "fině", 1))
    put("audit", "export-cut", "".join(l + "\n" for l in lines[:2]) + export.splitlines()[-1] + "\n")
    put("audit", "empty", "")


if __name__ == "__main__":
    b64_seeds()
    creation_options_seeds()
    auth_data_seeds()
    ctap_response_seeds()
    ctap2_request_seeds()
    ctaphid_seeds()
    graph_seeds()
    journal_seeds()
    audit_seeds()
