//! `portolan diff`: the real release pairs of the corpus against their golden reports (checked
//! by eye against both documents), exit codes, the JSON schema, a corpus against itself, and the
//! HTML report in headless Chromium (when Chromium is installed; `.ci/run` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_portolan"));
    c.current_dir(root());
    c
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The release pairs of the corpus (see fixtures/corpus/README.md of ../shared/corpus).
const PAIRS: [(&str, &str, &str); 3] = [
    (
        "finesse_12.5.1-12.6.1",
        "fixtures/corpus/01_cisco-ucce-finesse_12.5.1.md",
        "fixtures/corpus/02_cisco-ucce-finesse_12.6.1.md",
    ),
    (
        "ccp_12.5.1-12.6.2",
        "fixtures/corpus/07_cisco-ucce-ccp_12.5.1.md",
        "fixtures/corpus/08_cisco-ucce-ccp_12.6.2.md",
    ),
    (
        "sfb2015_ja_2018-2022",
        "fixtures/corpus/21_msft-sfb2015-ports-protocols_ja-JP_2018.md",
        "fixtures/corpus/20_msft-sfb2015-ports-protocols_ja-JP_2022.md",
    ),
];

fn run_diff(old: &str, new: &str, out: &Path, extra: &[&str]) -> (i32, String) {
    let o = bin()
        .args(["diff", old, new, "-q"])
        .arg("--md")
        .arg(out.join("diff.md"))
        .arg("--json")
        .arg(out.join("diff.json"))
        .arg("--html")
        .arg(out.join("diff.html"))
        .args(extra)
        .output()
        .expect("portolan runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn release_pairs_match_their_golden_reports() {
    let bless = std::env::var_os("PORTOLAN_BLESS").is_some_and(|v| v != "0");
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, old, new) in PAIRS {
        let out = tmp.path().join(name);
        std::fs::create_dir_all(&out).unwrap();
        let (code, err) = run_diff(old, new, &out, &[]);
        assert_eq!(code, 0, "{name}: {err}");
        for ext in ["md", "json", "html"] {
            let got = read(&out.join(format!("diff.{ext}")));
            let golden = root().join("golden/diffs").join(format!("{name}.{ext}"));
            if bless {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                std::fs::write(&golden, &got).unwrap();
            } else if std::fs::read(&golden).ok().as_deref() != Some(&got[..]) {
                failures.push(format!(
                    "{name}.{ext} differs from golden/diffs/{name}.{ext} (PORTOLAN_BLESS=1 cargo test --test diff to rewrite, after checking it by eye)"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn summary(out: &Path) -> serde_json::Value {
    let d: serde_json::Value = serde_json::from_slice(&read(&out.join("diff.json"))).unwrap();
    d["summary"].clone()
}

/// What each real pair really changed (checked by eye against both documents).
#[test]
fn release_pairs_report_every_real_change_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let expect = [
        // 12.6(1) dropped the Unified CCE table: JDBC 1433 and GED-188 on side A and B
        (0, 3, 0),
        // the control pair: no port changed
        (0, 0, 0),
        // the 2022 revision added the file-share row (445/TCP); the rest is retranslation, but
        // two rows name their host (server role) in other words (schema v2: a changed host is a
        // change): 5060 "フロントエンド サーバー" -> "Front-End サーバー", and 445 (central
        // management store) reworded
        (1, 0, 2),
    ];
    for ((name, old, new), (added, removed, changed)) in PAIRS.iter().zip(expect) {
        let out = tmp.path().join(name);
        std::fs::create_dir_all(&out).unwrap();
        assert_eq!(run_diff(old, new, &out, &[]).0, 0);
        let s = summary(&out);
        assert_eq!(
            (
                s["added"].as_u64(),
                s["removed"].as_u64(),
                s["changed"].as_u64()
            ),
            (Some(added), Some(removed), Some(changed)),
            "{name}: {s}"
        );
    }
    let d: serde_json::Value =
        serde_json::from_slice(&read(&tmp.path().join("sfb2015_ja_2018-2022/diff.json"))).unwrap();
    let added = &d["changes"][0]["new"];
    assert_eq!(added["port_start"], 445);
    assert_eq!(added["transports"][0], "tcp");
    // renamed entries keep their place: every retranslated listener pairs with its own row
    for c in d["changes"].as_array().unwrap() {
        if c["kind"] == "renamed" {
            let (o, n) = (
                c["old"]["row"].as_u64().unwrap(),
                c["new"]["row"].as_u64().unwrap(),
            );
            assert!(n == o || n == o + 1, "{c}");
        }
    }
}

#[test]
fn a_corpus_against_itself_is_no_change() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    let o = bin()
        .args(["extract", "fixtures/corpus", "fixtures/seeds", "--out"])
        .arg(&ds)
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    for (old, new) in [
        ("fixtures/corpus", "fixtures/corpus"),
        (ds.to_str().unwrap(), ds.to_str().unwrap()),
        (
            ds.join("ports.csv").to_str().unwrap(),
            ds.join("ports.json").to_str().unwrap(),
        ),
    ] {
        let out = tmp.path().join("self");
        std::fs::create_dir_all(&out).unwrap();
        let (code, err) = run_diff(
            old,
            new,
            &out,
            &["--fail-on", "added,removed,changed,renamed"],
        );
        assert_eq!(code, 0, "{old} vs {new}: {err}");
        let md = String::from_utf8(read(&out.join("diff.md"))).unwrap();
        assert!(md.contains("No change."), "{md}");
    }
}

#[test]
fn exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let (old, new) = (PAIRS[0].1, PAIRS[0].2);
    // removals found: --fail-on removed fails, --fail-on added does not
    assert_eq!(run_diff(old, new, out, &["--fail-on", "removed"]).0, 3);
    assert_eq!(
        run_diff(old, new, out, &["--fail-on", "added,changed"]).0,
        0
    );
    assert_eq!(run_diff(old, new, out, &[]).0, 0);
    // reversed, the removals are additions
    assert_eq!(run_diff(new, old, out, &["--fail-on", "added"]).0, 3);
    // usage: an unknown kind, a missing input
    assert_eq!(run_diff(old, new, out, &["--fail-on", "moved"]).0, 1);
    assert_eq!(run_diff(old, "no/such/dir", out, &[]).0, 1);
    // a document that cannot be read: the diff is incomplete
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::copy(root().join(new), docs.join("good.md")).unwrap();
    std::fs::write(docs.join("broken.pdf"), b"%PDF-1.7 not really").unwrap();
    let (code, err) = run_diff(old, docs.to_str().unwrap(), out, &["--fail-on", "removed"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("broken.pdf"), "{err}");
}

#[test]
fn diff_json_follows_its_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let schema: serde_json::Value =
        serde_json::from_slice(&read(&root().join("schema/diff.schema.json"))).unwrap();
    let compiled = jsonschema::JSONSchema::compile(&schema).expect("schema compiles");
    for (name, old, new) in PAIRS {
        let out = tmp.path().join(name);
        std::fs::create_dir_all(&out).unwrap();
        run_diff(old, new, &out, &[]);
        let data: serde_json::Value =
            serde_json::from_slice(&read(&out.join("diff.json"))).unwrap();
        let msgs: Vec<String> = match compiled.validate(&data) {
            Ok(()) => Vec::new(),
            Err(errors) => errors
                .take(10)
                .map(|e| format!("{} at {}", e, e.instance_path))
                .collect(),
        };
        assert!(
            msgs.is_empty(),
            "{name}: diff.json breaks the schema:\n{}",
            msgs.join("\n")
        );
    }
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|c| {
            let o = Command::new("sh")
                .args(["-c", &format!("command -v {c}")])
                .output()
                .ok()?;
            o.status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        })
}

fn headless(chrome: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

/// The HTML report renders in headless Chromium: its script runs (the filter counts the rows)
/// and a screenshot is drawn.
#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(chrome) = chromium() else {
        eprintln!("SKIPPED: Chromium is not installed (apt-get install chromium; .ci/run does)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (name, old, new) = PAIRS[2];
    let out = tmp.path().join(name);
    std::fs::create_dir_all(&out).unwrap();
    assert_eq!(run_diff(old, new, &out, &[]).0, 0);
    let page = format!("file://{}", out.join("diff.html").display());
    let dom = headless(&chrome, &tmp.path().join("p1"), &["--dump-dom", &page]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    // 1 added + 43 renamed entries, all shown: the script ran
    assert!(
        dom.contains("<span id=\"shown\">44 of 44 shown</span>"),
        "{dom}"
    );
    let shot = out.join("diff.png");
    let o = headless(
        &chrome,
        &tmp.path().join("p2"),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1400,900",
            &page,
        ],
    );
    let png = std::fs::read(&shot)
        .unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&o.stderr)));
    assert_eq!(&png[1..4], b"PNG");
    // a blank page compresses to a few KB; the report's colours and text do not
    assert!(png.len() > 20_000, "screenshot of {} bytes", png.len());
    if let Ok(dir) = std::env::var("PORTOLAN_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, Path::new(&dir).join("diff.png")).unwrap();
    }
}
