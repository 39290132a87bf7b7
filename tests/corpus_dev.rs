//! The development set (`fixtures/corpus-dev/`, 21 real documents) against its independent truth
//! (`tests/data/corpus-dev/truth.csv`, labelled under `../shared/LABELING.md`), scored by a port
//! of `../shared/tools/score.py` (`tests/common/score.rs`):
//!
//! - every golden file in `golden/corpus-dev/` agrees with the truth (they are the output
//!   corrected to it; `cargo run --release --example dev_golden` regenerates them);
//! - the current output has exactly the gaps listed in `tests/data/corpus-dev/known-gaps.txt`
//!   (`PORTOLAN_BLESS=1 cargo test --test corpus_dev` rewrites it);
//! - the port scores as score.py does.

mod common;

use common::dev;
use common::score::{self, Row, ATTRS};
use portolan::emit::to_csv;
use portolan::record::PortRecord;
use std::collections::{BTreeMap, BTreeSet};

const KNOWN_GAPS: &str = "tests/data/corpus-dev/known-gaps.txt";

#[derive(serde::Deserialize)]
struct PortsJson {
    records: Vec<PortRecord>,
}

fn read(rel: &str) -> Vec<u8> {
    let p = dev::root().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The text of `known-gaps.txt`: the totals (score.py's summary line), then one line per gap.
fn known_gaps_text(
    truth: &BTreeMap<String, Vec<Row>>,
    pred: &BTreeMap<String, Vec<Row>>,
) -> String {
    let (total, lines) = dev::report(truth, pred);
    let mut s = format!("totals: {}\n", total.line());
    for l in lines {
        s.push_str(&l);
        s.push('\n');
    }
    s
}

/// Lines of `a` not in `b`, as multisets, in `a`'s order.
fn minus<'a>(a: &[&'a str], b: &[&str]) -> Vec<&'a str> {
    let mut left: BTreeMap<&str, usize> = BTreeMap::new();
    for l in b {
        *left.entry(l).or_default() += 1;
    }
    a.iter()
        .filter(|l| match left.get_mut(**l) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .copied()
        .collect()
}

#[test]
fn every_golden_file_agrees_with_the_truth() {
    let truth = dev::truth();
    let inputs = dev::inputs();
    assert_eq!(inputs.len(), 21, "the 21 dev documents");
    let docs: BTreeSet<String> = inputs.iter().map(|i| i.document.clone()).collect();
    for doc in truth.keys() {
        assert!(
            docs.contains(doc),
            "truth.csv names {doc}, not in fixtures/corpus-dev"
        );
    }
    let schema: serde_json::Value =
        serde_json::from_slice(&read("schema/ports.schema.json")).unwrap();
    let schema = jsonschema::JSONSchema::compile(&schema).expect("schema compiles");
    let mut failures = Vec::new();
    for doc in &docs {
        let (csv_rel, json_rel) = (
            format!("{}/{doc}.csv", dev::GOLDEN),
            format!("{}/{doc}.json", dev::GOLDEN),
        );
        let (csv, json) = (read(&csv_rel), read(&json_rel));
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        if let Err(errs) = schema.validate(&value) {
            let msgs: Vec<String> = errs
                .map(|e| format!("{e} at {}", e.instance_path))
                .collect();
            failures.push(format!("{json_rel} breaks the schema: {}", msgs.join("; ")));
        }
        let records = serde_json::from_slice::<PortsJson>(&json).unwrap().records;
        if to_csv(&records) != csv {
            failures.push(format!("{csv_rel} and {json_rel} hold different records"));
        }
        let ids: BTreeSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
        if ids.len() != records.len() {
            failures.push(format!("{csv_rel}: an id is repeated"));
        }
        let pred = score::load(&csv);
        if pred.keys().any(|d| d != doc) {
            failures.push(format!("{csv_rel}: records of another document"));
        }
        let t = truth.get(doc).map_or(&[][..], |v| v);
        let p = pred.get(doc).map_or(&[][..], |v| v);
        let s = score::pair(t, p).score(t, p);
        let attrs_ok = (0..ATTRS.len()).all(|k| s.attr_ok[k] == s.attr_n[k]);
        if s.fp != 0 || s.fn_ != 0 || !attrs_ok {
            failures.push(format!(
                "{csv_rel} disagrees with truth.csv ({}):\n  {}",
                s.line(),
                dev::gaps(doc, t, p).join("\n  ")
            ));
        }
    }
    // no golden file without its document
    for e in std::fs::read_dir(dev::root().join(dev::GOLDEN)).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let stem = name
            .strip_suffix(".csv")
            .or_else(|| name.strip_suffix(".json"));
        if !stem.is_some_and(|s| docs.contains(s)) {
            failures.push(format!("{}/{name}: no fixture", dev::GOLDEN));
        }
    }
    assert!(
        failures.is_empty(),
        "\n{}\n(regenerate with `cargo run --release --example dev_golden`)",
        failures.join("\n")
    );
}

/// The correction `dev_golden` applies gives records that agree with the truth, whatever the
/// output is today.
#[test]
fn the_output_corrected_to_the_truth_agrees_with_it() {
    let truth = dev::truth();
    let empty = Vec::new();
    for (doc, x) in dev::extract_all() {
        let t = truth.get(&doc).unwrap_or(&empty);
        let golden = dev::golden(&doc, &x, t);
        let p = dev::rows_of(&golden);
        assert_eq!(dev::gaps(&doc, t, &p), Vec::<String>::new(), "{doc}");
        let added = golden.iter().filter(|r| r.notes == dev::ADDED_NOTE).count();
        let s = score::pair(t, &dev::rows_of(&x.records)).score(t, &dev::rows_of(&x.records));
        assert_eq!(
            added, s.fn_,
            "{doc}: one record added per missing truth row"
        );
        assert_eq!(golden.len(), x.records.len() - s.fp + s.fn_, "{doc}");
    }
}

#[test]
fn the_current_output_has_the_known_gaps() {
    let truth = dev::truth();
    let now = known_gaps_text(&truth, &dev::pred_rows(&dev::extract_all()));
    let path = dev::root().join(KNOWN_GAPS);
    if std::env::var_os("PORTOLAN_BLESS").is_some_and(|v| v != "0") {
        std::fs::write(&path, &now).unwrap();
        return;
    }
    let was = String::from_utf8(read(KNOWN_GAPS)).unwrap();
    if was == now {
        return;
    }
    let (was_l, now_l): (Vec<&str>, Vec<&str>) = (was.lines().collect(), now.lines().collect());
    let mut msg = format!(
        "the output's gaps against truth.csv changed\n  was {}\n  now {}\n",
        was_l.first().unwrap_or(&""),
        now_l.first().unwrap_or(&"")
    );
    let (new, gone) = (
        minus(&now_l[1.min(now_l.len())..], &was_l[1.min(was_l.len())..]),
        minus(&was_l[1.min(was_l.len())..], &now_l[1.min(now_l.len())..]),
    );
    if !new.is_empty() {
        msg.push_str(&format!(
            "new gaps (a regression, or wrong attributes of records found now), {}:\n",
            new.len()
        ));
        for l in &new {
            msg.push_str(&format!("+ {l}\n"));
        }
    }
    if !gone.is_empty() {
        msg.push_str(&format!(
            "gone gaps (an improvement: re-bless), {}:\n",
            gone.len()
        ));
        for l in &gone {
            msg.push_str(&format!("- {l}\n"));
        }
    }
    msg.push_str(&format!(
        "if this is intended, rewrite {KNOWN_GAPS} with `PORTOLAN_BLESS=1 cargo test --test corpus_dev` \
         and regenerate the golden files with `cargo run --release --example dev_golden`"
    ));
    panic!("{msg}");
}

/// The port against score.py's own output, computed once by hand
/// (`python3 ../shared/tools/score.py TRUTH PRED`) on committed inputs.
#[test]
fn the_scorer_agrees_with_score_py() {
    // an output of the dev set (document and the scored columns only)
    let truth = dev::truth();
    let pred = score::load(&read("tests/data/corpus-dev/parity-ports.csv"));
    assert_eq!(
        dev::report(&truth, &pred).0.line(),
        "f1=0.985 precision=0.998 recall=0.971 tp=541 fp=1 fn=16 transport=453/469 \
         port_side=511/524 direction=164/176 listener=282/506"
    );
    // the corners: optional rows absorbing, listener rows picking first, NFKC and case,
    // whitespace, an empty port_end, an unreadable port, folders in the document, a document
    // only in the truth or only in the output
    let truth = "document,port_start,port_end,transport,port_side,direction,listener,optional\n\
        a.md,80,80,tcp,local,inbound,,0\n\
        a.md,80,80,tcp,local,inbound,Web  Server,0\n\
        a.md,443,,TCP,local,,\u{ff37}\u{ff45}\u{ff42} Server,0\n\
        a.md,8080,8080,tcp,,,,1\n\
        a.md,8443,8443,,,,,1\n\
        a.md,53,53,udp,remote,outbound,DNS,0\n\
        a.md,53,53,tcp,remote,outbound,DNS,0\n\
        a.md,x,1,tcp,,,,0\n\
        b.md,1000,2000,udp,local,,media,0\n\
        b.md,5060,5060,udp,local,bidirectional,SIP proxy,0\n\
        a.md,25,25,tcp,local,,smtp,0\n\
        d.md,3389,3389,tcp,local,inbound,RDP,0\n";
    let pred = "document,port_start,port_end,transport,port_side,direction,listener\n\
        dir\\sub/a.md,80,80,tcp,remote,inbound,proxy\n\
        dir/a.md,80,80,tcp,local,,web server (main)\n\
        a.md,443,443,tcp,local,,web\n\
        a.md,8080,8080,tcp,local,,\n\
        a.md,8080,8080,tcp,local,,\n\
        a.md,53,53,udp,remote,outbound,\n\
        a.md,53,53,udp,remote,,DNS server\n\
        b.md,1000,2000,tcp,local,,Media\n\
        b.md,5060,5060,udp,,bidirectional,sip\n\
        c.md,22,22,tcp,local,,ssh\n";
    let (truth, pred) = (score::load(truth.as_bytes()), score::load(pred.as_bytes()));
    let (total, gaps) = dev::report(&truth, &pred);
    assert_eq!(
        total.line(),
        "f1=0.778 precision=0.778 recall=0.778 tp=7 fp=2 fn=2 transport=5/7 port_side=5/7 \
         direction=3/5 listener=5/6"
    );
    assert_eq!(
        gaps,
        [
            "a.md: missing 25/tcp local \"smtp\"",
            "a.md: extra 8080/tcp local",
            "a.md: 53/tcp remote outbound \"DNS\" direction \"\", truth \"outbound\"",
            "a.md: 53/tcp remote outbound \"DNS\" transport \"udp\", truth \"tcp\"",
            "a.md: 53/udp remote outbound \"DNS\" listener \"\", truth \"DNS\"",
            "a.md: 80/tcp local inbound \"Web Server\" direction \"\", truth \"inbound\"",
            "a.md: 80/tcp local inbound port_side \"remote\", truth \"local\"",
            "b.md: 1000-2000/udp local \"media\" transport \"tcp\", truth \"udp\"",
            "b.md: 5060/udp local bidirectional \"SIP proxy\" port_side \"\", truth \"local\"",
            "c.md: extra 22/tcp local \"ssh\"",
            "d.md: missing 3389/tcp local inbound \"RDP\"",
        ]
    );
}
