//! Any bytes as CSV/TSV (delimiter sniffing, quoting, ragged rows), through decoding and
//! understanding: never a panic, never a hang, and every record with a port in 1..=65535 and
//! a range that does not run backwards. A panic anywhere (decoder, structure, understanding)
//! is a crash: all of this is portolan's own code.
#![no_main]
use libfuzzer_sys::fuzz_target;
use portolan::document::Format;

mod common;

fuzz_target!(|data: &[u8]| {
    common::decode_and_check(data, Format::Csv);
});
