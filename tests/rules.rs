//! `portolan rules`: the firewall request built from real chapters, in every format, each checked
//! by its own tool where Debian has one (`nft -c -f`, `iptables-restore --test`, both in a network
//! namespace of their own made with `unshare -rn`). `.ci/run` installs nftables and iptables and
//! sets PORTOLAN_REQUIRE_TOOLS=1, so that in CI a missing tool fails the test; elsewhere the
//! tool checks say SKIPPED and the rest of each test runs.

#[path = "common/tools.rs"]
mod tools;

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
}

/// `portolan rules DOC --format F [extra]`: exit code and stdout.
fn rules(doc: &str, format: &str, extra: &[&str]) -> (i32, String) {
    let out = bin()
        .args(["rules", doc, "--format", format])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

const FINESSE: &str = "fixtures/html/finesse_en.html";
const EXCHANGE: &str = "fixtures/corpus/26_msft-exchange2016-2019-network-ports_en.md";

/// Runs `tool args.. file` in a network namespace of its own; None when the tool is missing.
fn check_with(tool: &str, args: &[&str], file: &Path) -> Option<(bool, String)> {
    if !tools::available(
        &[tool, "unshare"],
        "nftables iptables util-linux",
        "its check of the rules",
    ) {
        return None;
    }
    // a namespace of its own, so that nothing of this machine's firewall is read or touched;
    // where namespaces are not allowed, the check runs as it is (neither tool commits anything
    // when checking)
    let namespaces = Command::new("unshare")
        .args(["-rn", "true"])
        .status()
        .is_ok_and(|s| s.success());
    let mut c = if namespaces {
        let mut c = Command::new("unshare");
        c.arg("-rn").arg(tool);
        c
    } else {
        Command::new(tool)
    };
    let out = c.args(args).arg(file).output().unwrap();
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn the_finesse_request_lists_every_port_once_with_its_rows() {
    let (code, csv) = rules(FINESSE, "csv", &[]);
    assert_eq!(code, 0);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let ports: Vec<(&str, &str, &str)> = rows.iter().map(|r| (&r[1], &r[4], &r[5])).collect();
    assert_eq!(
        ports,
        [
            ("in", "tcp", "80"),
            ("in", "tcp", "443"),
            ("in", "tcp", "8082"),
            ("in", "tcp", "8445"),
            ("in", "tcp", "5223"),
            ("in", "tcp", "7071"),
            ("in", "tcp", "7443"),
            ("in", "tcp", "5222"),
            ("out", "tcp", "1433"),
            ("out", "tcp", "42027"),
            ("out", "tcp", "43027"),
        ],
        "{csv}"
    );
    // every rule says where it comes from
    assert!(rows
        .iter()
        .all(|r| r[6].contains("finesse_en.html") && r[6].contains("row")));
    assert_eq!(&rows[0][2], "Browser");
    // filters: the remote side only
    let (_, out) = rules(FINESSE, "csv", &["--side", "remote"]);
    assert_eq!(out.lines().count(), 4, "{out}");
}

#[test]
fn a_mail_flow_table_gives_source_and_destination_rules() {
    let (code, md) = rules(EXCHANGE, "md", &["--host", "edge transport"]);
    assert_eq!(code, 0);
    assert!(
        md.contains("| in | Internet (any) | Edge Transport server | tcp | 25 |"),
        "{md}"
    );
    assert!(
        md.contains("| out | Edge Transport server | Internet (any) | tcp | 25 |"),
        "{md}"
    );
    // every rule names its transport; what the document leaves open is listed for a decision
    let (_, all) = rules(EXCHANGE, "md", &[]);
    let (rules_part, _) = all.split_once("## Needs a decision").unwrap_or((&all, ""));
    for line in rules_part
        .lines()
        .filter(|l| l.starts_with("| in") || l.starts_with("| out"))
    {
        assert!(
            line.contains("| tcp |") || line.contains("| udp |"),
            "{line}"
        );
    }
}

/// A connection table whose parties have long Japanese names: nft and iptables count comment
/// bytes, three a character.
fn long_names_doc(dir: &Path) -> String {
    let long = "フロント エンド サーバーのロード バランサー".repeat(3);
    let doc = dir.join("long.md");
    std::fs::write(
        &doc,
        format!("# 接続\n\n| 送信元 | 送信先 | ポート |\n|---|---|---|\n| {long} | {long} | 443/TCP |\n"),
    )
    .unwrap();
    doc.to_str().unwrap().to_string()
}

#[test]
fn nftables_output_passes_nft_check() {
    let dir = tempfile::tempdir().unwrap();
    let long = long_names_doc(dir.path());
    for doc in [FINESSE, EXCHANGE, long.as_str()] {
        let (code, text) = rules(doc, "nftables", &[]);
        assert_eq!(code, 0);
        assert!(text.contains("table inet portolan"), "{text}");
        let file = dir.path().join("rules.nft");
        std::fs::write(&file, &text).unwrap();
        if let Some((ok, err)) = check_with("nft", &["-c", "-f"], &file) {
            assert!(ok, "{doc}: nft -c rejects the rules: {err}\n{text}");
            // the check is real: a broken statement fails it
            std::fs::write(&file, text.replacen("accept comment", "acept comment", 1)).unwrap();
            let (bad, _) = check_with("nft", &["-c", "-f"], &file).unwrap();
            assert!(!bad, "nft -c accepted a broken rule");
        }
    }
}

#[test]
fn iptables_output_passes_iptables_restore_test() {
    let dir = tempfile::tempdir().unwrap();
    let long = long_names_doc(dir.path());
    for doc in [FINESSE, EXCHANGE, long.as_str()] {
        let (code, text) = rules(doc, "iptables", &[]);
        assert_eq!(code, 0);
        assert!(
            text.contains("*filter") && text.contains("COMMIT"),
            "{text}"
        );
        let file = dir.path().join("rules.ipt");
        std::fs::write(&file, &text).unwrap();
        if let Some((ok, err)) = check_with("iptables-restore", &["--test"], &file) {
            assert!(
                ok,
                "{doc}: iptables-restore --test rejects the rules: {err}\n{text}"
            );
            std::fs::write(&file, text.replacen("--dports ", "--dportz ", 1)).unwrap();
            let (bad, _) = check_with("iptables-restore", &["--test"], &file).unwrap();
            assert!(!bad, "iptables-restore accepted a broken rule");
        }
    }
}

#[test]
fn the_csv_is_safe_to_open_in_a_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("formula.md");
    std::fs::write(
        &doc,
        "# Ports\n\n| Listener | Listener Protocol and Port | Remote Device | Remote Port | Traffic Direction |\n|---|---|---|---|---|\n| HTTPS | TCP 443 | =HYPERLINK(\"http://x\") | | Inbound |\n",
    )
    .unwrap();
    let d = doc.to_str().unwrap();
    let (_, csv) = rules(d, "csv", &[]);
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    let (_, raw) = rules(d, "csv", &["--no-neutralize", "--bom"]);
    assert!(raw.starts_with('\u{feff}'), "{raw}");
    assert!(raw.contains(",\"=HYPERLINK"), "{raw}");
}

#[test]
fn product_and_language_filters_keep_those_records_in_extract_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = bin()
        .args([
            "extract",
            "fixtures/corpus",
            "-q",
            "--product",
            "finesse",
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let csv = std::fs::read_to_string(out.join("ports.csv")).unwrap();
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let products: std::collections::BTreeSet<String> = r
        .deserialize::<portolan::record::PortRecord>()
        .map(|r| r.unwrap().product)
        .collect();
    assert_eq!(products.into_iter().collect::<Vec<_>>(), ["Finesse"]);
    // diff: the Japanese records only, of two releases that are both Japanese: all of them
    let d = bin()
        .args([
            "diff",
            "fixtures/corpus/21_msft-sfb2015-ports-protocols_ja-JP_2018.md",
            "fixtures/corpus/20_msft-sfb2015-ports-protocols_ja-JP_2022.md",
            "--language",
            "en",
            "-q",
            "--json",
        ])
        .arg(dir.path().join("d.json"))
        .status()
        .unwrap();
    assert!(d.success());
    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("d.json")).unwrap()).unwrap();
    assert_eq!(j["old"]["records"], 0, "{j}");
    assert_eq!(j["new"]["records"], 0, "{j}");
}

#[test]
fn ports_csv_for_a_spreadsheet_keeps_reading_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = bin()
        .args([
            "extract",
            "fixtures/seeds",
            "-q",
            "--csv-bom",
            "--csv-neutralize",
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let csv = std::fs::read(out.join("ports.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}id,".as_bytes()));
    // a BOM-started ports.csv is still a dataset: it diffs against its ports.json as equal
    let d = bin()
        .arg("diff")
        .arg(out.join("ports.csv"))
        .arg(out.join("ports.json"))
        .args(["-q", "--fail-on", "added,removed,changed,renamed"])
        .status()
        .unwrap();
    assert_eq!(d.code(), Some(0));
}

/// Validates `data` against one of portolan's schema files.
fn validate(schema_file: &str, data: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(schema_file).unwrap()).unwrap();
    let compiled = jsonschema::JSONSchema::compile(&schema).expect("schema compiles");
    if let Err(errors) = compiled.validate(data) {
        let msgs: Vec<String> = errors
            .take(10)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        panic!("breaks {schema_file}:\n{}\n{data:#}", msgs.join("\n"));
    };
}

#[test]
fn cloud_security_group_outputs_follow_their_documented_shapes() {
    for doc in [FINESSE, EXCHANGE] {
        let (code, aws) = rules(doc, "aws-sg", &[]);
        assert_eq!(code, 0);
        let aws: serde_json::Value = serde_json::from_str(&aws).unwrap();
        validate("schema/aws-sg.schema.json", &aws);
        let (code, azure) = rules(doc, "azure-nsg", &[]);
        assert_eq!(code, 0);
        let azure: serde_json::Value = serde_json::from_str(&azure).unwrap();
        validate("schema/azure-nsg.schema.json", &azure);
        // priorities are unique in each direction
        let mut seen = std::collections::BTreeSet::new();
        for r in azure["securityRules"].as_array().unwrap() {
            let p = &r["properties"];
            assert!(seen.insert((p["direction"].to_string(), p["priority"].to_string())));
        }
    }
    // a named party is a placeholder the cloud refuses until filled in; the Internet is any
    let (_, aws) = rules(EXCHANGE, "aws-sg", &["--host", "edge transport"]);
    let aws: serde_json::Value = serde_json::from_str(&aws).unwrap();
    let cidrs: Vec<&str> = aws["IpPermissions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["IpRanges"].as_array().unwrap())
        .map(|r| r["CidrIp"].as_str().unwrap())
        .collect();
    assert!(cidrs.contains(&"0.0.0.0/0"), "{cidrs:?}");
    assert!(
        cidrs.iter().any(|c| c.starts_with("<address of ")),
        "{cidrs:?}"
    );
    // the schemas are real: a protocol Azure does not know breaks it
    let (_, azure) = rules(FINESSE, "azure-nsg", &[]);
    let bad = azure.replacen("\"Tcp\"", "\"TCP/IP\"", 1);
    let bad: serde_json::Value = serde_json::from_str(&bad).unwrap();
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read("schema/azure-nsg.schema.json").unwrap()).unwrap();
    assert!(!jsonschema::JSONSchema::compile(&schema)
        .unwrap()
        .is_valid(&bad));
}
