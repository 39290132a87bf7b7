//! Golden files: every document under fixtures/ is extracted on its own and compared with
//! golden/<same path>.csv and .json. A mismatch prints which records were added, removed or
//! changed, field by field.
//!
//! Rewrite the golden files on purpose with `PORTOLAN_BLESS=1 cargo test --test golden` (or
//! `just bless`), then check every changed row by eye against its document before committing.

#[path = "common/extract.rs"]
mod extract;

use portolan::diff::{diff, render_markdown, Fields};
use portolan::discover::{discover, Input};
use portolan::emit::{to_csv, to_json};
use portolan::record::PortRecord;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> Vec<Input> {
    discover(&[root().join("fixtures")], &[]).inputs
}

fn golden_paths(document: &str) -> (PathBuf, PathBuf) {
    let g = root().join("golden");
    (
        g.join(format!("{document}.csv")),
        g.join(format!("{document}.json")),
    )
}

#[derive(serde::Deserialize)]
struct PortsJson {
    records: Vec<PortRecord>,
}

/// Extracts one fixture exactly as `portolan extract <file> --out DIR` would.
fn extract_single(input: &Input) -> (Vec<u8>, Vec<u8>, Vec<PortRecord>) {
    let x = extract::extract_single(input);
    (to_csv(&x.records), to_json(&x.records), x.records)
}

/// The development set's golden files are its output corrected to its truth, not the output;
/// tests/corpus_dev.rs checks them.
const TRUTH_CORRECTED: &str = "corpus-dev/";

#[test]
fn every_fixture_matches_its_golden_files() {
    let bless = std::env::var_os("PORTOLAN_BLESS").is_some_and(|v| v != "0");
    let mut failures = Vec::new();
    let inputs = fixtures();
    assert!(
        inputs.len() >= 14,
        "fixtures/ holds the seeds and the corpus"
    );
    for input in &inputs {
        if input.document.starts_with(TRUTH_CORRECTED) {
            continue;
        }
        let (csv_path, json_path) = golden_paths(&input.document);
        let (csv, json, records) = extract_single(input);
        if bless {
            std::fs::create_dir_all(csv_path.parent().unwrap()).unwrap();
            std::fs::write(&csv_path, &csv).unwrap();
            std::fs::write(&json_path, &json).unwrap();
            continue;
        }
        let (Ok(want_csv), Ok(want_json)) = (std::fs::read(&csv_path), std::fs::read(&json_path))
        else {
            failures.push(format!(
                "{}: no golden files ({}); write them with `just bless` after checking the output by eye",
                input.document,
                csv_path.display()
            ));
            continue;
        };
        if want_csv == csv && want_json == json {
            continue;
        }
        let want: PortsJson = match serde_json::from_slice(&want_json) {
            Ok(w) => w,
            Err(e) => {
                failures.push(format!(
                    "{}: golden JSON does not parse: {e}",
                    json_path.display()
                ));
                continue;
            }
        };
        let d = diff(&want.records, &records, "golden", "extracted", Fields::All);
        let mut msg = if d.is_empty() {
            String::new()
        } else {
            render_markdown(&d)
        };
        if msg.is_empty() {
            msg = if want_csv != csv {
                "same records, but the CSV bytes differ (formatting or ids)".into()
            } else {
                "same records, but the JSON bytes differ (formatting or ids)".into()
            };
        }
        failures.push(format!("{}:\n{msg}", input.document));
    }
    // golden files whose fixture is gone are stale
    for entry in walk(&root().join("golden")) {
        let rel = entry
            .strip_prefix(root().join("golden"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("diffs/") {
            continue; // release diffs (tests/diff.rs), not fixtures
        }
        let Some(doc) = rel
            .strip_suffix(".csv")
            .or_else(|| rel.strip_suffix(".json"))
        else {
            failures.push(format!("golden/{rel}: neither .csv nor .json"));
            continue;
        };
        if !inputs.iter().any(|i| i.document == doc) {
            failures.push(format!("golden/{rel}: no fixture fixtures/{doc}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn an_edited_golden_row_fails_readably() {
    let input = fixtures()
        .into_iter()
        .find(|i| i.document == "seeds/000_finesse_en.txt")
        .expect("seed 000 is a fixture");
    let (_, json_path) = golden_paths(&input.document);
    let want: PortsJson = serde_json::from_slice(&std::fs::read(json_path).unwrap()).unwrap();
    let mut edited = want.records.clone();
    edited[0].port_start = 8080;
    edited[0].port_end = 8080;
    edited[1].direction = "inbound".into();
    edited.pop();
    let d = diff(&edited, &want.records, "golden", "extracted", Fields::All);
    let text = render_markdown(&d);
    assert_eq!(
        (d.summary.added, d.summary.removed, d.summary.changed),
        (1, 0, 2),
        "{text}"
    );
    // the same report as `portolan diff` writes
    assert!(text.contains("| 1 | 0 | 2 |"), "{text}");
    assert!(text.contains("port_start: 8080 → 80"), "{text}");
    assert!(
        text.contains("direction: inbound → bidirectional"),
        "{text}"
    );
    assert!(text.contains("## Added (1)"), "{text}");
}

#[test]
fn one_document_in_three_encodings_gives_the_same_records() {
    let inputs = fixtures();
    let records = |name: &str| {
        let i = inputs.iter().find(|i| i.document == name).expect("fixture");
        let (_, _, recs) = extract_single(i);
        recs.into_iter()
            .map(|r| {
                (
                    r.table,
                    r.row,
                    r.listener,
                    r.transport,
                    r.port_start,
                    r.port_end,
                    r.port_side,
                    r.direction,
                    r.default_port,
                    r.configurable,
                )
            })
            .collect::<Vec<_>>()
    };
    let utf16 = records("shapes/encoding_ja_utf16.txt");
    assert_eq!(utf16.len(), 4);
    assert_eq!(records("shapes/encoding_ja_shift_jis.txt"), utf16);
    assert_eq!(records("shapes/encoding_ja_euc_jp.txt"), utf16);
}

/// The fields that say what a record is, leaving out where it was read (document, format, id,
/// metadata) and how sure the reader is (a grid is surer than rows rebuilt from a rendering).
fn content(records: Vec<PortRecord>) -> Vec<serde_json::Value> {
    content_without(records, &[])
}

fn content_without(records: Vec<PortRecord>, more: &[&str]) -> Vec<serde_json::Value> {
    records
        .into_iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap();
            let m = v.as_object_mut().unwrap();
            for k in [
                "id",
                "document",
                "document_sha256",
                "format",
                "confidence",
                "vendor",
                "product",
                "release",
            ]
            .iter()
            .chain(more)
            {
                m.remove(*k);
            }
            v
        })
        .collect()
}

/// The records' text with the spaces between two CJK characters taken out. A line that breaks
/// at such a space ("スーパーバイザ デスクトップ" wrapped after the first word) leaves no trace
/// of it in a PDF: the space is not drawn, and CJK lines break between any two characters, so
/// the reader joins the lines without one.
fn without_cjk_spaces(records: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    let cjk = |c: char| matches!(c as u32, 0x3000..=0x30FF | 0x3400..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF);
    let squeeze = |s: &str| {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let between =
                c == ' ' && i > 0 && cjk(chars[i - 1]) && chars.get(i + 1).is_some_and(|&n| cjk(n));
            if !between {
                out.push(c);
            }
        }
        out
    };
    records
        .into_iter()
        .map(|mut v| {
            for (_, f) in v.as_object_mut().unwrap().iter_mut() {
                if let serde_json::Value::String(s) = f {
                    *s = squeeze(s);
                }
            }
            v
        })
        .collect()
}

/// A PDF printed from an HTML page: the same records, with pages; the raw cell text may differ
/// in spacing (line breaks, a footnote mark that wrapped).
#[test]
fn pdf_versions_give_the_same_records_as_html_versions() {
    let inputs = fixtures();
    let get = |name: &str| {
        let i = inputs
            .iter()
            .find(|i| i.document == name)
            .unwrap_or_else(|| panic!("{name}"));
        extract_single(i).2
    };
    let pdfs: Vec<&Input> = inputs
        .iter()
        .filter(|i| i.document.starts_with("pdf/"))
        .collect();
    // the print-engine matrix: every HTML fixture printed by each engine, in fixtures/pdf or,
    // while portolan does not read it right yet, in KNOWN_GAP_PDFS
    for html in inputs.iter().filter(|i| i.document.starts_with("html/")) {
        let stem = html.document["html/".len()..].trim_end_matches(".html");
        for engine in ["chromium", "libreoffice", "weasyprint"] {
            let name = format!("{stem}.{engine}.pdf");
            let gap = KNOWN_GAP_PDFS.iter().any(|g| g.0 == name);
            assert!(
                gap || pdfs.iter().any(|p| p.document == format!("pdf/{name}")),
                "pdf/{name} is missing: scripts/make_pdf_fixtures.sh prints every HTML fixture"
            );
        }
    }
    for pdf in pdfs {
        let stem = pdf.document["pdf/".len()..]
            .split('.')
            .next()
            .unwrap()
            .to_string();
        let html = format!("html/{stem}.html");
        let (p, h) = (get(&pdf.document), get(&html));
        assert!(!p.is_empty(), "{}", pdf.document);
        assert!(
            p.iter().all(|r| r.page.is_some()),
            "{}: every record has its page",
            pdf.document
        );
        let (pc, hc) = (
            without_cjk_spaces(content_without(p.clone(), &["page", "raw"])),
            without_cjk_spaces(content_without(h.clone(), &["page", "raw"])),
        );
        if pc != hc {
            let d = diff(&h, &p, &html, &pdf.document, Fields::All);
            panic!(
                "{} and {html} differ:\n{}",
                pdf.document,
                render_markdown(&d)
            );
        }
    }
}

/// Prints portolan does not read right yet: (file in tests/data/pdf-known-gaps, its source,
/// how many of the source's distinct ports it finds at least). They are kept out of fixtures/
/// (no golden file records a wrong reading) and measured here, and no port they give may be
/// one the source does not have. ccp_en.weasyprint.pdf: WeasyPrint centres every cell of a
/// row vertically, draws no rules, and breaks rows of 20 lines across pages.
const KNOWN_GAP_PDFS: &[(&str, &str, usize)] = &[("ccp_en.weasyprint.pdf", "html/ccp_en.html", 9)];

#[test]
fn known_gap_pdfs_invent_no_port() {
    let inputs = fixtures();
    for (pdf, html, at_least) in KNOWN_GAP_PDFS {
        let path = root().join("tests/data/pdf-known-gaps").join(pdf);
        let p = extract_single(&Input {
            document: pdf.to_string(),
            path,
        })
        .2;
        let h = extract_single(inputs.iter().find(|i| i.document == *html).unwrap()).2;
        let ports = |rs: &[PortRecord]| {
            rs.iter()
                .map(|r| (r.port_start, r.port_end))
                .collect::<std::collections::BTreeSet<_>>()
        };
        let (pp, hp) = (ports(&p), ports(&h));
        assert!(
            pp.is_subset(&hp),
            "{pdf}: a port number the document does not have: {:?}",
            pp.difference(&hp).collect::<Vec<_>>()
        );
        assert!(
            pp.len() >= *at_least,
            "{pdf}: {} of the {} ports of {html} (was {at_least})",
            pp.len(),
            hp.len()
        );
    }
}

#[test]
fn html_versions_give_the_same_records_as_text_versions() {
    let inputs = fixtures();
    let get = |name: &str| {
        let i = inputs
            .iter()
            .find(|i| i.document == name)
            .unwrap_or_else(|| panic!("{name}"));
        extract_single(i).2
    };
    for (text, html) in [
        ("seeds/000_finesse_en.txt", "html/finesse_en.html"),
        ("seeds/001_finesse_ja.txt", "html/finesse_ja.html"),
        ("seeds/001_finesse_ja.txt", "html/finesse_ja_shift_jis.html"),
        ("seeds/002_ccp_en.txt", "html/ccp_en.html"),
    ] {
        let (t, h) = (get(text), get(html));
        assert!(!t.is_empty());
        assert_eq!(
            t.iter().map(|r| &r.language).collect::<Vec<_>>(),
            h.iter().map(|r| &r.language).collect::<Vec<_>>()
        );
        let (t, h) = (content(t), content(h));
        if t != h {
            let d = diff(&get(text), &get(html), text, html, Fields::All);
            panic!("{text} and {html} differ:\n{}", render_markdown(&d));
        }
    }
}
