//! What every decoder target checks: decode, understand, and the record invariants.
#![allow(dead_code)]

use portolan::document::{Document, Format};
use portolan::record::PortRecord;

/// The invariants every record holds, whatever the input: a port in 1..=65535 and a range
/// that does not run backwards.
pub fn check_records(records: &[PortRecord]) {
    for r in records {
        assert!(
            r.port_start >= 1 && r.port_start <= r.port_end,
            "impossible port range {}-{} in {r:?}",
            r.port_start,
            r.port_end
        );
    }
}

/// Understands a decoded document and checks its records.
pub fn understand_and_check(doc: &Document) {
    let u = portolan::understand::understand(doc);
    check_records(&u.records);
}

/// Decodes `data` as `format` (an error is a fine answer for garbage), then understands it.
pub fn decode_and_check(data: &[u8], format: Format) {
    if let Ok(doc) = portolan::decode::decode(data, format) {
        understand_and_check(&doc);
    }
}
