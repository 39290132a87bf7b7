//! The port-cell grammar on any string, long ones too (the just recipe runs it with
//! `-max_len=65536`): never a panic, never a hang (libFuzzer's `-timeout`), ports always in
//! 1..=65535 and ranges never backwards.
#![no_main]
use libfuzzer_sys::fuzz_target;
use portolan::understand::cells::{parse_port_cell, CellParse};

fuzz_target!(|s: &str| {
    if let CellParse::Ports(specs) = parse_port_cell(s) {
        for p in specs {
            assert!(
                p.start >= 1 && p.start <= p.end,
                "impossible port range {}-{}",
                p.start,
                p.end
            );
        }
    }
});
