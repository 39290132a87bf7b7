//! Bytes as a PDF. pdf-extract panics on malformed files by policy (portolan isolates it in
//! worker processes), so panics are caught here; what the fuzzer finds is what isolation is
//! for and what portolan's own layout code must never do: aborts, stack overflows, hangs,
//! runaway memory, and records with impossible ports.
#![no_main]
use libfuzzer_sys::fuzz_target;
use portolan::document::Format;

fuzz_target!(|data: &[u8]| {
    let decoded = std::panic::catch_unwind(|| portolan::decode::decode(data, Format::Pdf));
    if let Ok(Ok(doc)) = decoded {
        let u = portolan::understand::understand(&doc);
        for r in &u.records {
            assert!(r.port_start >= 1 && r.port_start <= r.port_end);
        }
    }
});
