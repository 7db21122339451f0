//! Just enough DER to build test certificates by hand: the simulator never checks a
//! certificate's own signature, only its key and (for attestation) its fields.

/// One TLV.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = u16::try_from(content.len()).expect("test DER stays under 64 KiB");
    let [high, low] = n.to_be_bytes();
    if n < 0x80 {
        out.push(low);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, low]);
    } else {
        out.extend_from_slice(&[0x82, high, low]);
    }
    out.extend_from_slice(content);
    out
}

pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn oid(bytes: &[u8]) -> Vec<u8> {
    tlv(0x06, bytes)
}

/// A Name of (attribute OID bytes, UTF8String value) pairs, one RDN each.
fn name(attributes: &[(&[u8], &str)]) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = attributes
        .iter()
        .map(|(o, v)| tlv(0x31, &seq(&[oid(o), tlv(0x0c, v.as_bytes())])))
        .collect();
    seq(&rdns)
}

pub const CN: &[u8] = &[0x55, 0x04, 0x03];
pub const C: &[u8] = &[0x55, 0x04, 0x06];
pub const O: &[u8] = &[0x55, 0x04, 0x0a];
pub const OU: &[u8] = &[0x55, 0x04, 0x0b];

/// SubjectPublicKeyInfo of an uncompressed P-256 point.
pub fn ec_spki(point: &[u8]) -> Vec<u8> {
    let algorithm = seq(&[
        oid(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]),
        oid(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]),
    ]);
    let mut bits = vec![0];
    bits.extend_from_slice(point);
    seq(&[algorithm, tlv(0x03, &bits)])
}

/// A v3 certificate for `spki` with `subject`, carrying basicConstraints CA=false.
pub fn certificate(spki: &[u8], subject: &[(&[u8], &str)]) -> Vec<u8> {
    let sha256_rsa = seq(&[
        oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]),
        vec![0x05, 0x00],
    ]);
    let validity = seq(&[tlv(0x17, b"250101000000Z"), tlv(0x17, b"450101000000Z")]);
    let basic_constraints = seq(&[oid(&[0x55, 0x1d, 0x13]), tlv(0x04, &seq(&[]))]);
    let extensions = tlv(0xa3, &seq(&[basic_constraints]));
    let tbs = seq(&[
        tlv(0xa0, &tlv(0x02, &[2])),
        tlv(0x02, &[0x01, 0x23]),
        sha256_rsa.clone(),
        name(&[(CN, "KeyDesk Test CA")]),
        validity,
        name(subject),
        spki.to_vec(),
        extensions,
    ]);
    seq(&[tbs, sha256_rsa, tlv(0x03, &[0, 0xde, 0xad])])
}
