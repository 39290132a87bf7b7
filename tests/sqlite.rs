//! `extract --sqlite FILE`: the SQLite dataset holds what ports.csv holds, and the README's
//! example queries, as the README writes them, answer in the `sqlite3` shell. `.ci/run` installs
//! Debian's sqlite3 and sets PORTOLAN_REQUIRE_TOOLS=1 (a missing shell then fails the test).

#[path = "common/tools.rs"]
mod tools;

use std::path::Path;
use std::process::Command;

fn extract_corpus(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("ports.db");
    let out = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(["extract", "fixtures/corpus", "-q", "--out"])
        .arg(dir.join("out"))
        .arg("--sqlite")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// The ```sql blocks of the README's SQLite section, each with the plain block after it (its
/// expected answer), if there is one right after.
fn readme_queries() -> Vec<(String, Option<String>)> {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("SQLite"))
        .expect("a SQLite section in the README");
    let blocks: Vec<(&str, &str)> = section
        .split("```")
        .skip(1)
        .step_by(2)
        .map(|b| b.split_once('\n').unwrap_or((b, "")))
        .collect();
    let mut out = Vec::new();
    for (i, (lang, body)) in blocks.iter().enumerate() {
        if *lang == "sql" {
            let answer = blocks
                .get(i + 1)
                .filter(|(l, _)| l.is_empty())
                .map(|(_, b)| b.to_string());
            out.push((body.to_string(), answer));
        }
    }
    out
}

#[test]
fn the_sqlite_dataset_holds_the_records_and_answers_the_readme_queries() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = extract_corpus(dir.path());
    // nothing half-written is left beside it
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    let csv_rows = std::fs::read_to_string(dir.path().join("out/ports.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    let db = rusqlite::Connection::open(&db_path).unwrap();
    let n: i64 = db
        .query_row("SELECT count(*) FROM records", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, csv_rows);
    let version: String = db
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, "2");
    let docs: i64 = db
        .query_row(
            "SELECT count(*) FROM documents WHERE length(sha256) = 64",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(docs, 9);
    // every record with a transport and a side is in a rule; the others are undecided
    let (decided, in_rules, undecided): (i64, i64, i64) = db
        .query_row(
            "SELECT (SELECT count(*) FROM records WHERE transport != '' AND port_side != ''),
                    (SELECT sum(length(ids) - length(replace(ids, ' ', '')) + 1) FROM rules),
                    (SELECT count(*) FROM undecided)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(decided, in_rules);
    assert_eq!(decided + undecided, n);

    let queries = readme_queries();
    assert_eq!(queries.len(), 3, "{queries:?}");
    if !tools::available(
        &["sqlite3"],
        "sqlite3",
        "the README's queries in the sqlite3 shell",
    ) {
        return;
    }
    for (q, answer) in queries {
        let out = Command::new("sqlite3")
            .args(["-header", "-column", "-bail"])
            .arg(&db_path)
            .arg(&q)
            .output()
            .unwrap();
        let got = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success() && !got.trim().is_empty(),
            "{q}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(want) = answer {
            let lines = |s: &str| -> Vec<String> {
                s.lines()
                    .map(|l| l.trim_end().to_string())
                    .filter(|l| !l.is_empty())
                    .collect()
            };
            assert_eq!(lines(&got), lines(&want), "{q}");
        }
    }
}
