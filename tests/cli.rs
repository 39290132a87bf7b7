//! The command line: exit codes, bad input, determinism, the JSON schema.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/pdf.rs"]
#[allow(dead_code)]
mod pdf;
use pdf::pdf_from_objects;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> (i32, String) {
    let out = bin().args(args).output().expect("portolan runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The run's report.json.
fn report(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(&out.join("report.json"))).expect("report.json parses")
}

/// The report entry of the first document whose name `named` accepts.
fn document(report: &serde_json::Value, named: impl Fn(&str) -> bool) -> &serde_json::Value {
    report["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["document"].as_str().is_some_and(&named))
        .unwrap_or_else(|| panic!("no such document in the report: {report:#}"))
}

#[test]
fn bundled_fixtures_run_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let fixtures = root().join("fixtures");
    let (code, err) = run(&[
        "extract",
        fixtures.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    for f in ["ports.csv", "ports.json", "report.json", "report.md"] {
        assert!(out.join(f).is_file(), "{f} written");
    }
    let report = report(&out);
    assert_eq!(report["totals"]["failed"], 0);
    assert!(report["totals"]["records"].as_u64().unwrap() > 300);
    // no stray temporary files
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
}

#[test]
fn output_is_identical_for_any_thread_count_and_path_order() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = root().join("fixtures/seeds");
    let corpus = root().join("fixtures/corpus");
    let (s, c) = (seeds.to_str().unwrap(), corpus.to_str().unwrap());
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    assert_eq!(
        run(&["extract", s, c, "--out", a.to_str().unwrap(), "-j", "1"]).0,
        0
    );
    assert_eq!(
        run(&["extract", c, s, "--out", b.to_str().unwrap(), "-j", "4"]).0,
        0
    );
    for f in ["ports.csv", "ports.json", "report.json", "report.md"] {
        assert!(read(&a.join(f)) == read(&b.join(f)), "{f} differs");
    }
}

#[test]
fn ports_json_follows_the_committed_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let fixtures = root().join("fixtures");
    assert_eq!(
        run(&[
            "extract",
            fixtures.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])
        .0,
        0
    );
    let schema: serde_json::Value =
        serde_json::from_slice(&read(&root().join("schema/ports.schema.json"))).unwrap();
    let data: serde_json::Value = serde_json::from_slice(&read(&out.join("ports.json"))).unwrap();
    let compiled = jsonschema::JSONSchema::compile(&schema).expect("schema compiles");
    if let Err(errors) = compiled.validate(&data) {
        let msgs: Vec<String> = errors
            .take(10)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        panic!("ports.json breaks the schema:\n{}", msgs.join("\n"));
    }
    // CSV header is exactly the schema's field order
    let csv = String::from_utf8(read(&out.join("ports.csv"))).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        portolan::record::COLUMNS.join(",")
    );
}

#[test]
fn bad_files_are_reported_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(docs.join(".git")).unwrap();
    std::fs::write(docs.join("empty.txt"), b"").unwrap();
    std::fs::write(docs.join("blank.md"), b"\n\n   \n").unwrap();
    let junk: Vec<u8> = (0..50_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(docs.join("junk.txt"), &junk).unwrap();
    std::fs::write(
        docs.join("elf.md"),
        [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0],
    )
    .unwrap();
    // UTF-16 with a byte-order mark, cut in the middle of a surrogate pair
    std::fs::write(
        docs.join("bad_utf16.txt"),
        b"\xff\xfeP\x00o\x00r\x00t\x00\x3d\xd8",
    )
    .unwrap();
    // windows-1252 text: read, with a note that the encoding was guessed
    std::fs::write(
        docs.join("latin1.txt"),
        b"Service\tPort\nR\xe9plication\tTCP 4443\n",
    )
    .unwrap();
    std::fs::write(docs.join("fake.pdf"), b"%PDF-1.7 not really").unwrap();
    std::fs::write(docs.join("junk.html"), &junk).unwrap();
    std::fs::write(
        docs.join("malformed.html"),
        b"<html><body><p>unclosed <b>bold <table><tr><th>Port<th>Notes<tr><td>8443<td>admin <table><tr><td>1",
    )
    .unwrap();
    let deep = format!(
        "<html><body>{}<table><tr><th>Port</th></tr><tr><td>22</td></tr></table>{}</body></html>",
        "<div><span>".repeat(10_000),
        "</span></div>".repeat(10_000)
    );
    std::fs::write(docs.join("deep.html"), deep).unwrap();
    std::fs::write(docs.join(".git/HEAD.txt"), b"Port Transport\n22 TCP").unwrap();
    std::fs::copy(
        root().join("fixtures/seeds/000_finesse_en.txt"),
        docs.join("good.txt"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, err) = run(&[
        "extract",
        docs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    let report = report(&out);
    let by_name = |n: &str| document(&report, |d| d == n);
    // each bad file fails with an error that says why (a substring of it)
    for (name, why) in [
        ("empty.txt", "empty"),
        ("blank.md", "empty"),
        ("junk.txt", ""),
        ("elf.md", "binary"),
        ("bad_utf16.txt", "encoding"),
        ("fake.pdf", ""),
        ("junk.html", "binary"),
    ] {
        let err = by_name(name)["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} failed"))
            .to_string();
        assert!(err.contains(why), "{name}: {err}");
    }
    assert!(by_name("latin1.txt")["error"].is_null());
    assert!(
        by_name("latin1.txt")["warnings"][0]
            .as_str()
            .unwrap_or("")
            .contains("windows-1252"),
        "{}",
        by_name("latin1.txt")
    );
    assert!(by_name("malformed.html")["error"].is_null());
    assert_eq!(
        by_name("malformed.html")["records"],
        1,
        "best effort: port 8443"
    );
    assert!(by_name("deep.html")["error"].is_null());
    assert_eq!(by_name("deep.html")["records"], 1);
    assert!(by_name("good.txt")["error"].is_null());
    assert_eq!(by_name("good.txt")["records"], 11);
    assert!(!report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["document"].as_str().unwrap().contains(".git")));
    let md = String::from_utf8(read(&out.join("report.md"))).unwrap();
    assert!(md.contains("## Errors") && md.contains("junk.txt"), "{md}");
}

#[test]
fn usage_and_output_errors_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    assert_eq!(
        run(&[
            "extract",
            missing.to_str().unwrap(),
            "--out",
            tmp.path().to_str().unwrap()
        ])
        .0,
        1
    );
    assert_eq!(run(&["extract", "--no-such-flag"]).0, 1);
    // --out names a file: nothing can be written, and the file is left as it was
    let file = tmp.path().join("file");
    std::fs::write(&file, b"keep me").unwrap();
    let seed = root().join("fixtures/seeds/003_finesse-devguide_en.txt");
    let (code, err) = run(&[
        "extract",
        seed.to_str().unwrap(),
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(read(&file), b"keep me");
    let (code, help) = {
        let o = bin().args(["extract", "--help"]).output().unwrap();
        (
            o.status.code().unwrap(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    assert_eq!(code, 0);
    assert!(help.contains("Exit codes"), "{help}");
}

#[test]
fn a_rerun_replaces_outputs_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let seed = root().join("fixtures/seeds/003_finesse-devguide_en.txt");
    let other = root().join("fixtures/seeds/000_finesse_en.txt");
    assert_eq!(
        run(&[
            "extract",
            other.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])
        .0,
        0
    );
    assert_eq!(
        run(&[
            "extract",
            seed.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])
        .0,
        0
    );
    let csv = String::from_utf8(read(&out.join("ports.csv"))).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
}

#[test]
fn hostile_pdfs_cost_one_document_each() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for entry in std::fs::read_dir(root().join("tests/data/bad-pdf")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, docs.join(p.file_name().unwrap())).unwrap();
    }
    // a form XObject that draws itself twice: endless (and exponential) recursion inside the
    // PDF reader unless its depth is bounded
    let selfdraw = "/X1 Do /X1 Do";
    std::fs::write(
        docs.join("recursive.pdf"),
        pdf_from_objects(&[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /X1 5 0 R >> >> >>",
            &format!("<< /Length {} >>\nstream\n{selfdraw}\nendstream", selfdraw.len()),
            &format!("<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 5 0 R >> >> /Length {} >>\nstream\n{selfdraw}\nendstream", selfdraw.len()),
        ]),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/pdf/finesse_en.chromium.pdf"),
        docs.join("good.pdf"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/seeds/000_finesse_en.txt"),
        docs.join("good.txt"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, err) = run(&[
        "extract",
        docs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--pdf-timeout",
        "60",
    ]);
    assert_eq!(code, 2, "{err}");
    let report = report(&out);
    let by_name = |n: &str| document(&report, |d| d == n);
    let error = |n: &str| by_name(n)["error"].as_str().unwrap_or("").to_string();
    assert!(
        error("encrypted.pdf").contains("password"),
        "{}",
        error("encrypted.pdf")
    );
    assert!(error("truncated.pdf").contains("damaged or truncated"));
    assert!(error("random.pdf").contains("not a PDF"));
    assert!(error("deep.pdf").contains("PDF"), "{}", error("deep.pdf"));
    let recursive = by_name("recursive.pdf");
    assert!(recursive["error"].is_null(), "{recursive}");
    assert!(
        recursive["warnings"]
            .to_string()
            .contains("more than 32 deep"),
        "{recursive}"
    );
    let bomb = by_name("bomb.pdf");
    assert!(
        bomb["warnings"].to_string().contains("decompression bomb"),
        "{bomb}"
    );
    // an empty user password (restrictions only) is opened
    assert!(by_name("encrypted_empty_user.pdf")["error"].is_null());
    assert!(
        by_name("encrypted_empty_user.pdf")["records"]
            .as_u64()
            .unwrap()
            > 0
    );
    // a bomb behind a filter chain in a form XObject, and in a ToUnicode CMap: never inflated
    let chain = by_name("bomb_chain.pdf");
    assert!(
        chain["warnings"].to_string().contains("decompression bomb"),
        "{chain}"
    );
    // an object stream, which lopdf expands while loading: measured before it does
    let objstm = by_name("bomb_objstm.pdf");
    assert!(
        objstm["warnings"]
            .to_string()
            .contains("an object stream decodes"),
        "{objstm}"
    );
    assert!(objstm["error"].is_null(), "{objstm}");
    // the map left out, the page is read without it
    let tounicode = by_name("bomb_tounicode.pdf");
    assert!(
        tounicode["warnings"]
            .to_string()
            .contains("decompression bomb")
            && tounicode["error"].is_null(),
        "{tounicode}"
    );
    assert_eq!(by_name("good.pdf")["records"], 11);
    assert_eq!(by_name("good.txt")["records"], 11);
}

#[test]
fn a_pdf_worker_over_its_memory_limit_fails_that_document_only() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::copy(
        root().join("fixtures/pdf/finesse_ja.chromium.pdf"),
        docs.join("big.pdf"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/seeds/000_finesse_en.txt"),
        docs.join("good.txt"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, err) = run(&[
        "extract",
        docs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--pdf-memory-mib",
        "24",
    ]);
    assert_eq!(code, 2, "{err}");
    let report = report(&out);
    let big = document(&report, |d| d == "big.pdf");
    // the worker aborts on a failed allocation, or the read fails first: either way the
    // document fails for lack of memory and the run goes on
    assert!(
        big["error"].as_str().unwrap_or("").contains("memory"),
        "{big}"
    );
    let good = document(&report, |d| d == "good.txt");
    assert_eq!(good["records"], 11);
}

/// PDFs are read in worker processes: what comes back is the same dataset, in the same order,
/// as the golden file (which the in-process golden test checks).
#[test]
fn pdfs_read_in_workers_give_their_golden_files() {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("fixtures/pdf")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let out = tmp.path().join(&name);
        let (code, err) = run(&[
            "extract",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert_eq!(code, 0, "{name}: {err}");
        let golden = root().join("golden/pdf").join(format!("{name}.csv"));
        assert!(
            read(&out.join("ports.csv")) == read(&golden),
            "{name}: the worker's records differ from the golden file"
        );
    }
}

/// The cross-language report on the English and Japanese Finesse chapters finds what really
/// differs (the Japanese chapter has one more row and one more table) and nothing else.
#[test]
fn xlang_finds_the_real_differences_between_the_seeds() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("x.json");
    let out = bin()
        .args([
            "xlang",
            root()
                .join("fixtures/seeds/000_finesse_en.txt")
                .to_str()
                .unwrap(),
            root()
                .join("fixtures/seeds/001_finesse_ja.txt")
                .to_str()
                .unwrap(),
            "--json",
            json.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("11 the same in both, 0 only in A, 5 only in B, 0 differ"),
        "{md}"
    );
    let rep: serde_json::Value = serde_json::from_slice(&read(&json)).unwrap();
    assert_eq!(rep["only_in_a"].as_array().unwrap().len(), 0);
    assert_eq!(rep["differ"].as_array().unwrap().len(), 0);
    let only_b: Vec<(String, u64, String)> = rep["only_in_b"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["table"].as_str().unwrap().to_string(),
                r["port_start"].as_u64().unwrap(),
                r["port_side"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let t2 = "表 2 : Cisco Finesse Notification Service".to_string();
    let t4 = "表 4: サードパーティ（外部）Web サーバ".to_string();
    assert_eq!(
        only_b,
        vec![
            (t2, 5222, "local".into()),
            (t4.clone(), 80, "remote".into()),
            (t4.clone(), 8082, "remote".into()),
            (t4.clone(), 443, "remote".into()),
            (t4, 8445, "remote".into()),
        ]
    );
    // the same chapter in other languages and formats: the same ports
    for (a, b) in [
        (
            "fixtures/seeds/000_finesse_en.txt",
            "fixtures/languages/finesse_ko.euc-kr.html",
        ),
        (
            "fixtures/seeds/000_finesse_en.txt",
            "fixtures/languages/finesse_de.txt",
        ),
        (
            "fixtures/html/finesse_en.html",
            "fixtures/pdf/finesse_en.chromium.pdf",
        ),
    ] {
        let out = bin()
            .args([
                "xlang",
                root().join(a).to_str().unwrap(),
                root().join(b).to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let md = String::from_utf8_lossy(&out.stdout);
        assert!(
            md.contains("The two versions list the same ports."),
            "{a} / {b}:\n{md}"
        );
    }
}

/// A port, transport, side or direction that differs between the versions is reported as that
/// field, not as a removal and an addition.
#[test]
fn xlang_reports_changed_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let en = std::fs::read_to_string(root().join("fixtures/seeds/000_finesse_en.txt")).unwrap();
    let changed = en
        .replace("TCP 7443\tBrowser", "TCP 7444\tBrowser")
        .replace(
            "TCP 5223\tBrowser, agent desktop\t—\tBidirectional",
            "UDP 5223\tBrowser, agent desktop\t—\tInbound",
        );
    let b = tmp.path().join("changed.txt");
    std::fs::write(&b, changed).unwrap();
    let json = tmp.path().join("x.json");
    let (code, err) = run(&[
        "xlang",
        root()
            .join("fixtures/seeds/000_finesse_en.txt")
            .to_str()
            .unwrap(),
        b.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--md",
        tmp.path().join("x.md").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let rep: serde_json::Value = serde_json::from_slice(&read(&json)).unwrap();
    let fields: Vec<Vec<String>> = rep["differ"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f[0].as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(
        fields,
        vec![
            vec!["transport".to_string(), "direction".to_string()],
            vec!["port".to_string()]
        ]
    );
    assert_eq!(rep["only_in_a"].as_array().unwrap().len(), 0);
    assert_eq!(rep["only_in_b"].as_array().unwrap().len(), 0);
}

/// The report says how each PDF's tables were read: a tagged print (Chromium) by its structure
/// tree, an untagged one (LibreOffice) by layout; other formats say nothing.
#[test]
fn the_report_says_how_pdf_tables_were_read() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pdf = root().join("fixtures/pdf");
    let (code, err) = run(&[
        "extract",
        pdf.join("finesse_en.chromium.pdf").to_str().unwrap(),
        pdf.join("finesse_en.libreoffice.pdf").to_str().unwrap(),
        root()
            .join("fixtures/seeds/000_finesse_en.txt")
            .to_str()
            .unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code, 0, "{err}");
    let report = report(&out);
    let read_by = |suffix: &str| &document(&report, |d| d.ends_with(suffix))["tables_read_by"];
    assert_eq!(read_by("chromium.pdf"), "structure tree");
    assert_eq!(read_by("libreoffice.pdf"), "layout");
    assert!(read_by(".txt").is_null());
    let md = String::from_utf8(read(&out.join("report.md"))).unwrap();
    assert!(md.contains("| pdf (structure tree) |"), "{md}");
    assert!(md.contains("| pdf (layout) |"), "{md}");
}
