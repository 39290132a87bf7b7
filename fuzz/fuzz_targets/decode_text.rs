//! Any bytes through decoding and understanding: never a panic, never a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use portolan::document::Format;

fuzz_target!(|data: &[u8]| {
    for format in [Format::Text, Format::Markdown] {
        if let Ok(doc) = portolan::decode::decode(data, format) {
            let u = portolan::understand::understand(&doc);
            for r in &u.records {
                assert!(r.port_start >= 1 && r.port_start <= r.port_end);
            }
        }
    }
});
