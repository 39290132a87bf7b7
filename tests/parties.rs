//! Who talks to whom (schema v2's `host`, `peer`, `source`, `destination`), one test per table
//! shape that states the parties: the records carry them exactly as the document writes them.

use portolan::discover::Input;
use portolan::record::PortRecord;
use portolan::{extract, sha256_hex};

fn records_of(name: &str, text: &str) -> Vec<PortRecord> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let x = extract(
        &[Input {
            document: name.into(),
            path,
        }],
        &|| {},
    );
    assert!(x.failed() == 0, "{:?}", x.reports);
    for r in &x.records {
        assert_eq!(r.document_sha256, sha256_hex(text.as_bytes()), "{}", r.id);
    }
    x.records
}

/// (port, side, host, peer, source, destination) of each record.
fn parties(records: &[PortRecord]) -> Vec<(u16, &str, &str, &str, &str, &str)> {
    records
        .iter()
        .map(|r| {
            (
                r.port_start,
                r.port_side.as_str(),
                r.host.as_str(),
                r.peer.as_str(),
                r.source.as_str(),
                r.destination.as_str(),
            )
        })
        .collect()
}

#[test]
fn source_and_destination_columns_give_both_parties_and_the_destination_owns_the_port() {
    let doc = "# Mail flow ports\n\n\
        | Purpose | Ports | Source | Destination |\n\
        |---|---|---|---|\n\
        | Inbound mail | 25/TCP (SMTP) | Internet (any) | Mailbox server |\n\
        | Outbound mail | 25/TCP (SMTP) | Mailbox server | Internet (any) |\n";
    let r = records_of("mailflow.md", doc);
    let p = parties(&r);
    assert_eq!(
        p,
        [
            (
                25,
                "local",
                "Mailbox server",
                "Internet (any)",
                "Internet (any)",
                "Mailbox server"
            ),
            (
                25,
                "remote",
                "Internet (any)",
                "Mailbox server",
                "Mailbox server",
                "Internet (any)"
            ),
        ],
        "{r:#?}"
    );
}

#[test]
fn a_remote_device_column_is_the_peer_of_a_local_port_and_the_host_of_a_remote_one() {
    let doc = "# Server ports\n\n\
        | Listener (Process or Application Protocol) | Listener Protocol and Port | Remote Device (Process or Application Protocol) | Remote Port | Traffic Direction |\n\
        |---|---|---|---|---|\n\
        | HTTPS | TCP 8445 | Browser | | Inbound |\n\
        | LDAP | | Directory server | TCP 389 | Outbound |\n";
    let r = records_of("server.md", doc);
    assert_eq!(
        parties(&r),
        [
            (8445, "local", "", "Browser", "", ""),
            (389, "remote", "Directory server", "", "", ""),
        ],
        "{r:#?}"
    );
}

#[test]
fn a_server_role_column_names_the_host() {
    let doc = "# Required server ports (by server role)\n\n\
        | Server role | Service name | Port | Protocol | Notes |\n\
        |---|---|---|---|---|\n\
        | Front End Servers | Web Conferencing service | 8057 | TCP | Listening for PSOM connections |\n\
        | Director | Web Services | 4443 | TCP | HTTPS from the reverse proxy |\n";
    let r = records_of("roles.md", doc);
    let hosts: Vec<(u16, &str)> = r.iter().map(|r| (r.port_start, r.host.as_str())).collect();
    assert_eq!(
        hosts,
        [(8057, "Front End Servers"), (4443, "Director")],
        "{r:#?}"
    );
}

#[test]
fn a_connection_title_names_source_and_destination() {
    let doc = "# Site server --> SQL Server\n\n\
        | Description | UDP | TCP |\n\
        |---|---|---|\n\
        | SQL over TCP | -- | 1433 |\n";
    let r = records_of("flow.md", doc);
    assert_eq!(
        parties(&r),
        [(
            1433,
            "local",
            "SQL Server",
            "Site server",
            "Site server",
            "SQL Server"
        )],
        "{r:#?}"
    );
}

#[test]
fn a_table_that_names_no_party_leaves_them_empty() {
    let doc = "# Ports\n\n| Service | Port |\n|---|---|\n| HTTPS | 443/tcp |\n";
    let r = records_of("plain.md", doc);
    assert_eq!(parties(&r), [(443, "local", "", "", "", "")], "{r:#?}");
}

#[test]
fn schema_v1_datasets_are_read_into_v2_fields() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("ports.csv");
    std::fs::write(
        &csv,
        "id,vendor,product,release,language,document,format,page,table,section,row,listener,transport,port_start,port_end,port_side,remote,direction,qualifier,default_port,configurable,notes,source,confidence,raw\n\
         0123456789abcdef,,,,en,a.md,markdown,,T,,1,HTTPS,tcp,443,443,local,Browser,inbound,,false,false,,table,0.90,443\n\
         0123456789abcdee,,,,en,a.md,markdown,,T,,2,LDAP,tcp,389,389,remote,Directory server,outbound,,false,false,,table,0.90,389\n",
    )
    .unwrap();
    let d = portolan::dataset::load(&csv, None).unwrap();
    let got: Vec<(&str, &str, &str, &str)> = d
        .records
        .iter()
        .map(|r| {
            (
                r.host.as_str(),
                r.peer.as_str(),
                r.source.as_str(),
                r.origin.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("", "Browser", "", "table"),
            ("Directory server", "", "", "table")
        ]
    );
    let json = dir.path().join("ports.json");
    let v1: Vec<serde_json::Value> = d
        .records
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id, "vendor": "", "product": "", "release": "", "language": "en",
                "document": "a.md", "format": "markdown", "page": null, "table": "T",
                "section": "", "row": r.row, "listener": r.listener, "transport": "tcp",
                "port_start": r.port_start, "port_end": r.port_end, "port_side": r.port_side,
                "remote": if r.host.is_empty() { &r.peer } else { &r.host },
                "direction": r.direction, "qualifier": "", "default_port": false,
                "configurable": false, "notes": "", "source": "table", "confidence": 0.9,
                "raw": r.raw
            })
        })
        .collect();
    std::fs::write(
        &json,
        serde_json::to_vec(&serde_json::json!({"schema_version": 1, "records": v1})).unwrap(),
    )
    .unwrap();
    let j = portolan::dataset::load(&json, None).unwrap();
    assert_eq!(j.records, d.records);
    // a dataset of a schema this portolan does not know is refused, with its version named
    std::fs::write(&json, br#"{"schema_version": 9, "records": []}"#).unwrap();
    let e = portolan::dataset::load(&json, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("schema version 9"), "{e}");
}
