//! Hostile inputs and interrupted runs (issue 11): each class of bad input costs only its own
//! document (a per-document error or a clean result within its budget), the good document next
//! to it keeps its records, and an interrupted run leaves the old dataset or the new one, whole.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "common/pdf.rs"]
mod pdf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The good document every case sits beside: 11 records.
const GOOD: &str = "fixtures/seeds/000_finesse_en.txt";
const GOOD_RECORDS: u64 = 11;

struct Run {
    code: i32,
    stderr: String,
    elapsed: Duration,
}

/// Runs portolan with `args`, killing it (and failing the test) after `limit`.
fn run_limited(args: &[&str], limit: Duration, setup: impl FnOnce(&mut Command)) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portolan"));
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
    setup(&mut cmd);
    let started = Instant::now();
    let mut child = cmd.spawn().expect("portolan starts");
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stderr = String::new();
            use std::io::Read;
            let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
            return Run {
                code: status.code().unwrap_or(-1),
                stderr,
                elapsed: started.elapsed(),
            };
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("portolan {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(args: &[&str]) -> Run {
    run_limited(args, Duration::from_secs(120), |_| {})
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn report(out: &Path) -> serde_json::Value {
    let bytes = std::fs::read(out.join("report.json")).expect("report.json");
    serde_json::from_slice(&bytes).expect("report.json parses")
}

fn doc<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["document"] == name)
        .unwrap_or_else(|| panic!("{name} is in the report: {report:#}"))
}

/// A folder holding the good document.
fn docs_with_good(tmp: &Path) -> PathBuf {
    let docs = tmp.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::copy(root().join(GOOD), docs.join("good.txt")).unwrap();
    docs
}

fn assert_good_intact(r: &serde_json::Value) {
    let g = doc(r, "good.txt");
    assert!(g["error"].is_null(), "{g}");
    assert_eq!(g["records"], GOOD_RECORDS, "{g}");
}

/// A port cell with `n` nested brackets of each kind, in every text format.
#[test]
fn nested_brackets_cost_nothing_in_extract_diff_and_xlang() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = docs_with_good(tmp.path());
    let n = 100_000;
    let cell = format!("{}443{}", "[(".repeat(n), ")]".repeat(n));
    std::fs::write(
        docs.join("brackets.md"),
        format!("| Service | Port |\n|---|---|\n| web | {cell} |\n| ssh | 22 |\n"),
    )
    .unwrap();
    std::fs::write(
        docs.join("brackets.txt"),
        format!("Port {cell}\nTCP port 22\n"),
    )
    .unwrap();
    std::fs::write(
        docs.join("brackets.html"),
        format!(
            "<table><tr><th>Service</th><th>Port</th></tr><tr><td>web</td><td>{cell}</td></tr>\
             <tr><td>ssh</td><td>22</td></tr></table>"
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let r = run(&["extract", s(&docs), "--out", s(&out), "-j", "1"]);
    assert!(r.code == 0 || r.code == 2, "{}", r.stderr);
    let rep = report(&out);
    assert_good_intact(&rep);
    for name in ["brackets.md", "brackets.html"] {
        let d = doc(&rep, name);
        assert!(d["error"].is_null(), "{d}");
        assert!(
            d["records"].as_u64().unwrap() >= 1,
            "the ssh row stays: {d}"
        );
    }
    assert!(doc(&rep, "brackets.txt")["error"].is_null());
    // diff and xlang read documents the same way
    let r = run(&["diff", s(&docs), s(&docs), "-q"]);
    assert!(r.code == 0, "diff: {}", r.stderr);
    let r = run(&[
        "xlang",
        s(&docs.join("brackets.md")),
        s(&docs.join("brackets.html")),
    ]);
    assert!(r.code == 0 || r.code == 1, "xlang: {}", r.stderr);
    assert!(!r.stderr.contains("overflow"), "{}", r.stderr);
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(s(p)).unwrap();
    // SAFETY: a valid NUL-terminated path
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

#[test]
fn sidecars_are_small_regular_files_and_never_leak() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = docs_with_good(tmp.path());
    let body = "Port | Protocol\n---|---\n443 | TCP\n";
    for name in ["fifo.md", "zero.md", "passwd.md", "big.md", "bad.md"] {
        std::fs::write(docs.join(name), body).unwrap();
    }
    mkfifo(&docs.join("fifo.md.meta.toml"));
    std::os::unix::fs::symlink("/dev/zero", docs.join("zero.md.meta.toml")).unwrap();
    let secret = tmp.path().join("secret");
    std::fs::write(&secret, "root:x:0:0:SECRET-LINE:/root:/bin/bash\n").unwrap();
    std::os::unix::fs::symlink(&secret, docs.join("passwd.md.meta.toml")).unwrap();
    std::fs::write(
        docs.join("big.md.meta.toml"),
        format!("product = \"{}\"\n", "x".repeat(200_000)),
    )
    .unwrap();
    std::fs::write(docs.join("bad.md.meta.toml"), "product = \"SECRET-VALUE\n").unwrap();
    let out = tmp.path().join("out");
    let r = run_limited(
        &["extract", s(&docs), "--out", s(&out)],
        Duration::from_secs(60),
        |_| {},
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let rep = report(&out);
    assert_good_intact(&rep);
    for (name, why) in [
        ("fifo.md", "FIFO"),
        ("zero.md", "device"),
        ("passwd.md", "not valid TOML"),
        ("big.md", "at most 64 KiB"),
        ("bad.md", "not valid TOML at line 1"),
    ] {
        let e = doc(&rep, name)["error"].as_str().unwrap_or("").to_string();
        assert!(e.contains(".meta.toml") && e.contains(why), "{name}: {e}");
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let json = std::fs::read_to_string(out.join("report.json")).unwrap();
    for text in [&md, &json] {
        assert!(
            !text.contains("SECRET"),
            "a sidecar's content leaked: {text}"
        );
    }
}

#[test]
fn deeply_nested_html_finishes_in_time() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = docs_with_good(tmp.path());
    let n = 100_000;
    std::fs::write(
        docs.join("tables.html"),
        format!(
            "<html><body>{}443</body></html>",
            "<table><tr><td>".repeat(n)
        ),
    )
    .unwrap();
    std::fs::write(
        docs.join("divs.html"),
        format!(
            "<html><body>{}<table><tr><th>Port</th></tr><tr><td>22</td></tr></table></body></html>",
            "<div>".repeat(n)
        ),
    )
    .unwrap();
    std::fs::write(
        docs.join("bold.html"),
        format!(
            "<html><body>{}<table><tr><th>Port</th></tr><tr><td>22</td></tr></table></body></html>",
            "<b><i>".repeat(n)
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let r = run_limited(
        &["extract", s(&docs), "--out", s(&out)],
        Duration::from_secs(90),
        |_| {},
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rep = report(&out);
    assert_good_intact(&rep);
    for name in ["divs.html", "bold.html"] {
        assert_eq!(doc(&rep, name)["records"], 1, "{}", doc(&rep, name));
    }
    assert!(doc(&rep, "tables.html")["warnings"][0]
        .as_str()
        .unwrap()
        .contains("nested deeper"));
    eprintln!("deep HTML: {:?}", r.elapsed);
}

/// A document slower than its budget fails alone; the rest of the run is unaffected.
#[test]
fn a_document_over_its_time_budget_fails_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let slow = tmp.path().join("slow.md");
    let mut body = String::from("| Service | Port | Protocol |\n|---|---|---|\n");
    for i in 0..60_000u32 {
        body.push_str(&format!("| service {i} | {} | TCP |\n", 1 + i % 60_000));
    }
    std::fs::write(&slow, body).unwrap();
    let inputs = [
        portolan::discover::Input {
            document: "slow.md".into(),
            path: slow,
        },
        portolan::discover::Input {
            document: "good.txt".into(),
            path: root().join(GOOD),
        },
    ];
    let x = portolan::extract_within(&inputs, &|| {}, None, Duration::from_millis(1));
    let slow_r = x.reports.iter().find(|r| r.document == "slow.md").unwrap();
    assert!(
        slow_r.error.as_deref().unwrap_or("").contains("time limit"),
        "{slow_r:?}"
    );
    assert!(x.records.iter().all(|r| r.document == "good.txt"));
    // the same document within a normal budget is read whole
    let x = portolan::extract_within(&inputs[..1], &|| {}, None, Duration::from_secs(600));
    assert_eq!(x.records.len(), 60_000);
}

/// Runs `f` as an unprivileged user when the tests run as root (root reads any folder).
fn as_unprivileged(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: getuid has no preconditions
    if unsafe { libc::getuid() } == 0 {
        cmd.uid(65534).gid(65534);
    }
}

#[test]
fn unreadable_folders_links_fifos_and_odd_names_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let docs = docs_with_good(tmp.path());
    std::fs::set_permissions(&docs, std::fs::Permissions::from_mode(0o777)).unwrap();
    let locked = docs.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("hidden.md"), "Port 22").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    mkfifo(&docs.join("pipe.md"));
    std::os::unix::fs::symlink(root().join(GOOD), docs.join("link.txt")).unwrap();
    use std::os::unix::ffi::OsStrExt;
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(docs.join(odd), "Service | Port\n---|---\nweb | 8443\n").unwrap();
    let out = tmp.path().join("out");
    let r = run_limited(
        &["extract", s(&docs), "--out", s(&out)],
        Duration::from_secs(60),
        as_unprivileged,
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        r.code, 2,
        "an unreadable folder makes the run incomplete: {}",
        r.stderr
    );
    let rep = report(&out);
    assert_good_intact(&rep);
    let paths = rep["paths"].as_array().unwrap();
    let problem = |end: &str| {
        paths
            .iter()
            .find(|p| p["path"].as_str().unwrap().ends_with(end))
            .unwrap_or_else(|| panic!("{end} in {paths:?}"))
    };
    assert_eq!(problem("locked")["failed"], true);
    assert!(problem("locked")["problem"]
        .as_str()
        .unwrap()
        .contains("ermission"));
    assert!(problem("pipe.md")["problem"]
        .as_str()
        .unwrap()
        .contains("FIFO"));
    assert!(problem("link.txt")["problem"]
        .as_str()
        .unwrap()
        .contains("symbolic link"));
    let odd_doc = doc(&rep, "caf\u{FFFD}.txt");
    assert_eq!(odd_doc["records"], 1);
    assert!(odd_doc["warnings"][0]
        .as_str()
        .unwrap()
        .contains("not UTF-8"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## Paths not read"), "{md}");
}

#[test]
fn a_run_that_finds_nothing_leaves_the_dataset_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = docs_with_good(tmp.path());
    let out = tmp.path().join("out");
    assert_eq!(run(&["extract", s(&docs), "--out", s(&out)]).code, 0);
    let before = std::fs::read(out.join("ports.csv")).unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("notes.docx"), b"not a document portolan reads").unwrap();
    let r = run(&["extract", s(&empty), "--out", s(&out)]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no documents found"), "{}", r.stderr);
    assert_eq!(std::fs::read(out.join("ports.csv")).unwrap(), before);
}

#[test]
fn an_output_folder_inside_the_input_is_never_read() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = docs_with_good(tmp.path());
    let out = docs.join("out");
    for _ in 0..2 {
        assert_eq!(run(&["extract", s(&docs), "--out", s(&out)]).code, 0);
    }
    let rep = report(&out);
    assert_eq!(rep["documents"].as_array().unwrap().len(), 1, "{rep:#}");
}

#[test]
fn documents_with_the_same_name_under_two_paths_are_told_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for d in [&a, &b] {
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::fs::copy(root().join(GOOD), d.join("sub/guide.txt")).unwrap();
    }
    let out = tmp.path().join("out");
    assert_eq!(run(&["extract", s(&a), s(&b), "--out", s(&out)]).code, 0);
    let csv = std::fs::read_to_string(out.join("ports.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len() as u64, 2 * GOOD_RECORDS);
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), rows.len(), "ids are unique");
    let documents: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[5]).collect();
    assert_eq!(
        documents.into_iter().collect::<Vec<_>>(),
        ["a/sub/guide.txt", "b/sub/guide.txt"]
    );
}

#[test]
fn both_dataset_readers_refuse_impossible_ports() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = docs_with_good(tmp.path());
    let out = tmp.path().join("out");
    assert_eq!(run(&["extract", s(&docs), "--out", s(&out)]).code, 0);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("ports.json")).unwrap()).unwrap();
    let csv = std::fs::read_to_string(out.join("ports.csv")).unwrap();
    for (start, end, why) in [(0, 0, "port 0"), (9000, 8000, "backwards")] {
        let mut j = json.clone();
        j["records"][0]["port_start"] = start.into();
        j["records"][0]["port_end"] = end.into();
        let bad = tmp.path().join(format!("bad{start}.json"));
        std::fs::write(&bad, serde_json::to_vec(&j).unwrap()).unwrap();
        let r = run(&["diff", s(&bad), s(&out), "-q"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains(why), "{}", r.stderr);
        // the same record in CSV
        let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
        let mut f: Vec<String> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(lines[1].as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        f[13] = start.to_string();
        f[14] = end.to_string();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&f).unwrap();
        lines[1] = String::from_utf8(w.into_inner().unwrap())
            .unwrap()
            .trim_end()
            .to_string();
        let bad = tmp.path().join(format!("bad{start}.csv"));
        std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
        let r = run(&["diff", s(&bad), s(&out), "-q"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains(why), "{}", r.stderr);
    }
}

#[test]
fn html_in_cells_is_escaped_in_the_markdown_report() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = docs_with_good(tmp.path());
    std::fs::write(docs.join("<script>alert(1)<script>.md"), "\n").unwrap();
    let out = tmp.path().join("out");
    assert_eq!(run(&["extract", s(&docs), "--out", s(&out)]).code, 2);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("&lt;script&gt;"), "{md}");
}

/// The four outputs and their bytes.
fn dataset(out: &Path) -> Vec<(String, Vec<u8>)> {
    ["ports.csv", "ports.json", "report.json", "report.md"]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                std::fs::read(out.join(n)).unwrap_or_default(),
            )
        })
        .collect()
}

/// Nothing but the output folder and the inputs beside it: no temporary folder left over.
fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("portolan-") || n.contains(".tmp-"))
        .collect()
}

#[test]
fn an_interrupted_run_leaves_the_old_dataset_or_the_new_one_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let old_docs = docs_with_good(tmp.path());
    let new_docs = root().join("fixtures/seeds");
    let out = tmp.path().join("out");
    assert_eq!(
        run(&["extract", s(&old_docs), "--out", s(&out), "-q"]).code,
        0
    );
    let old = dataset(&out);
    // the new dataset, written elsewhere, to compare with
    let reference = tmp.path().join("reference");
    assert_eq!(
        run(&["extract", s(&new_docs), "--out", s(&reference), "-q"]).code,
        0
    );
    let new = dataset(&reference);
    assert_ne!(old, new);
    // killed at every step of the writing (abort(), which cleans up nothing, like kill -9)
    for step in [
        "ports.csv",
        "ports.json",
        "report.json",
        "report.md",
        "exchanged",
    ] {
        let r = run_limited(
            &["extract", s(&new_docs), "--out", s(&out), "-q"],
            Duration::from_secs(120),
            |c| {
                c.env("PORTOLAN_ABORT_AT", step);
            },
        );
        assert_ne!(r.code, 0, "{step}: the run was interrupted");
        let now = dataset(&out);
        let expected = if step == "exchanged" { &new } else { &old };
        assert!(&now == expected, "after an interruption at {step}");
        if step == "exchanged" {
            // back to the old set for the next steps
            assert_eq!(
                run(&["extract", s(&old_docs), "--out", s(&out), "-q"]).code,
                0
            );
        }
    }
    // killed with SIGKILL at moments spread over a whole run
    let mut seen_new = false;
    for i in 0..12u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_portolan"))
            .args(["extract", s(&new_docs), "--out", s(&out), "-q"])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(25 * i));
        let _ = child.kill();
        let _ = child.wait();
        let now = dataset(&out);
        assert!(now == old || now == new, "kill after {} ms", 25 * i);
        seen_new |= now == new;
        if now == new {
            assert_eq!(
                run(&["extract", s(&old_docs), "--out", s(&out), "-q"]).code,
                0
            );
        }
    }
    let _ = seen_new;
    // a finished run replaces the set and removes what the interrupted ones left
    assert_eq!(
        run(&["extract", s(&new_docs), "--out", s(&out), "-q"]).code,
        0
    );
    assert!(dataset(&out) == new);
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

#[test]
fn an_output_folder_holding_other_files_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = docs_with_good(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let r = run(&["extract", s(&docs), "--out", s(&out)]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("notes.txt"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}

/// A PDF worker whose parent is killed ends too (it would otherwise read its document on).
#[test]
fn a_pdf_worker_ends_when_its_parent_is_killed() {
    let bin = env!("CARGO_BIN_EXE_portolan");
    // a parent that starts a worker (stdin kept open, as portolan keeps it) and reports its pid
    let mut parent = Command::new("sh")
        .arg("-c")
        .arg(format!("sleep 600 | '{bin}' worker & echo $!; wait"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(parent.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let pid: u32 = line.trim().parse().unwrap();
    let alive = |pid: u32| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.split(") ").nth(1).unwrap_or("").starts_with('Z'))
            .unwrap_or(false)
    };
    std::thread::sleep(Duration::from_millis(300));
    assert!(alive(pid), "the worker runs");
    parent.kill().unwrap();
    let _ = parent.wait();
    let started = Instant::now();
    while alive(pid) && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!alive(pid), "the worker outlived its parent");
}

/// A PDF that keeps its worker busy past its CPU-time limit (2,000 pages that each run one
/// content stream of 20,000 graphics-state operators and a line of text: seconds of work in
/// little memory) fails alone with that reason, while the wall-clock limit is far away.
#[test]
fn a_pdf_over_its_cpu_time_limit_fails_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = docs_with_good(tmp.path());
    const PAGES: usize = 2000;
    let content = [
        b"q 1 0 0 1 0 0 cm Q ".repeat(20_000).as_slice(),
        b"BT /F1 1 Tf 1 0 Td (a) Tj ET",
    ]
    .concat();
    let kids: Vec<String> = (0..PAGES).map(|i| format!("{} 0 R", i + 5)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {PAGES} >>",
            kids.join(" ")
        )
        .into_bytes(),
        pdf::stream("", &content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    for _ in 0..PAGES {
        objects.push(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R \
               /Resources << /Font << /F1 4 0 R >> >> >>"
                .to_vec(),
        );
    }
    let pdf = pdf::pdf_from_objects(&objects);
    std::fs::write(docs.join("spin.pdf"), pdf).unwrap();
    let out = tmp.path().join("out");
    let r = run(&[
        "extract",
        s(&docs),
        "--out",
        s(&out),
        "-q",
        "--pdf-cpu-seconds",
        "1",
        "--pdf-timeout",
        "600",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let rep = report(&out);
    let e = doc(&rep, "spin.pdf")["error"].as_str().unwrap().to_string();
    assert!(e.contains("CPU time limit of 1 s"), "{e}");
    assert_good_intact(&rep);
}

/// With a memory budget smaller than -j workers would take, the workers share it, fewer of them
/// run at once, and the PDFs give the same records.
#[test]
fn pdf_workers_fit_the_run_memory_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = docs_with_good(tmp.path());
    for f in [
        "finesse_en.chromium.pdf",
        "recorder_landscape_en.chromium.pdf",
    ] {
        std::fs::copy(root().join("fixtures/pdf").join(f), docs.join(f)).unwrap();
    }
    let stats = |budget: &str, out: &Path| {
        let r = run(&[
            "extract",
            s(&docs),
            "--out",
            s(out),
            "-q",
            "-j",
            "2",
            "--stats",
            "--memory-budget-mib",
            budget,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let line = r.stderr.lines().find(|l| l.starts_with("stats:")).unwrap();
        let get = |k: &str| {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                .unwrap()
                .to_string()
        };
        (get("pdf_workers"), get("pdf_worker_mib"))
    };
    let (wide, narrow) = (tmp.path().join("wide"), tmp.path().join("narrow"));
    assert_eq!(stats("16384", &wide), ("2".into(), "4096".into()));
    assert_eq!(stats("1500", &narrow), ("1".into(), "1024".into()));
    assert_eq!(
        std::fs::read(wide.join("ports.csv")).unwrap(),
        std::fs::read(narrow.join("ports.csv")).unwrap()
    );
}
