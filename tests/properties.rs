//! Properties on generated input: the grammar and the decoders never panic, ports stay in range,
//! and big or pathological documents finish.

use portolan::document::Format;
use portolan::understand::cells::{parse_port_cell, CellParse};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Gen(u64);
impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "TCP",
    "UDP",
    "Port",
    "ports",
    " ",
    ", ",
    "、",
    "-",
    "–",
    "~",
    "〜",
    "/",
    ":",
    "(",
    ")",
    "¹",
    "*",
    "†",
    "\\*",
    "0",
    "1",
    "80",
    "443",
    "65535",
    "65536",
    "99999",
    "1.2",
    "Side A",
    "A 側",
    "and",
    "to",
    "—",
    "xxx",
    "?",
    "configurable",
    "default",
    "\t",
    "|",
    "\n",
    "ポート",
    "TLS",
    "HTTPS",
    "(First available)",
];

#[test]
fn port_grammar_never_panics_and_keeps_ports_in_range() {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let n = 1 + g.next() % 12;
        let s: String = (0..n).map(|_| g.pick(PIECES)).collect();
        if let CellParse::Ports(specs) = parse_port_cell(&s) {
            for p in specs {
                assert!(p.start >= 1 && p.start <= p.end, "{s:?} gave {p:?}");
            }
        }
    }
}

#[test]
fn decoders_survive_generated_documents() {
    let mut g = Gen(42);
    for _ in 0..300 {
        let n = 1 + g.next() % 400;
        let s: String = (0..n).map(|_| g.pick(PIECES)).collect();
        for f in [Format::Text, Format::Markdown] {
            if let Ok(doc) = portolan::decode::decode(s.as_bytes(), f) {
                let u = portolan::understand::understand(&doc);
                assert!(u
                    .records
                    .iter()
                    .all(|r| r.port_start >= 1 && r.port_start <= r.port_end));
            }
        }
    }
}

#[test]
fn pathological_documents_finish() {
    // an 800 KB line, 20,000 short lines, 100,000 nested parentheses, a 20,000-column table
    let cases: Vec<String> = vec![
        "Port 80 ".repeat(100_000),
        "TCP 443\n".repeat(20_000),
        format!("Port {}80{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!(
            "{}\n{}\n{}\n",
            "Port |".repeat(20_000),
            "---|".repeat(20_000),
            "80 |".repeat(20_000)
        ),
        "Listener\n\nPort\n\nNotes\n\n".repeat(2_000),
    ];
    for c in cases {
        let doc = portolan::decode::decode(c.as_bytes(), Format::Markdown).expect("decodes");
        let _ = portolan::understand::understand(&doc);
    }
}

/// A huge (sparse) file is refused from its size, before it is read: no memory, no time, a
/// clear per-document error, and the rest of the run goes on.
#[test]
fn a_huge_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(3 * 1024 * 1024 * 1024)
        .unwrap();
    let fine = dir.path().join("fine.txt");
    std::fs::write(&fine, "Port | Protocol\n---|---\n443 | TCP\n").unwrap();
    let inputs: Vec<portolan::discover::Input> = ["huge.txt", "fine.txt"]
        .iter()
        .map(|n| portolan::discover::Input {
            document: n.to_string(),
            path: dir.path().join(n),
        })
        .collect();
    let started = std::time::Instant::now();
    let x = portolan::extract(&inputs, &|| {});
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let huge_report = x.reports.iter().find(|r| r.document == "huge.txt").unwrap();
    assert!(
        huge_report
            .error
            .as_deref()
            .is_some_and(|e| e.contains("too large")),
        "{:?}",
        huge_report.error
    );
    assert!(x.records.iter().any(|r| r.port_start == 443));
}
