//! The firewall request: the records of a dataset as rules, one per distinct (direction,
//! source, destination, transport, port range), merged across rows and tables, each with the
//! document rows it comes from; written as CSV, Markdown, nftables or iptables-restore input.
//!
//! A record becomes a rule only when the document says its transport and its side: the others
//! are listed as needing a decision, with their provenance, and never guessed into a rule.

use crate::emit::{md_cell, neutralized, CsvStyle};
use crate::record::{loose, port_range_text, PortRecord, RecordFilter};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Which way a rule lets traffic through, seen from the documented product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Way {
    /// To a port of the product's own hosts (`port_side = local`).
    In,
    /// From the product to a port of another party (`port_side = remote`).
    Out,
}

impl Way {
    pub fn as_str(self) -> &'static str {
        match self {
            Way::In => "in",
            Way::Out => "out",
        }
    }
}

/// The party a record leaves unnamed: any address on the connecting side.
pub const ANY: &str = "any";

/// One rule: a connection the firewall must allow.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub way: Way,
    /// Where the connection comes from ([`ANY`] when the document does not say).
    pub source: String,
    /// Who owns the port.
    pub destination: String,
    pub transport: String,
    pub port_start: u16,
    pub port_end: u16,
    /// "document row N" (with the page and table) of every record behind the rule.
    pub from: Vec<String>,
    pub ids: Vec<String>,
}

/// A record that is not turned into a rule, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Undecided {
    pub why: &'static str,
    pub record: PortRecord,
}

/// What to keep of a dataset.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Product, vendor, release, language.
    pub records: RecordFilter,
    /// Rules whose destination or source names this party (case and spaces ignored, part of
    /// the name is enough: `--host mailbox` matches "Mailbox servers").
    pub host: Option<String>,
    pub side: Option<String>,
}

impl Filter {
    fn keeps(&self, r: &PortRecord) -> bool {
        self.records.keeps(r) && self.side.as_ref().is_none_or(|s| *s == r.port_side)
    }
    fn keeps_rule(&self, rule: &Rule) -> bool {
        self.host.as_ref().is_none_or(|h| {
            let h = loose(h);
            loose(&rule.destination).contains(&h) || loose(&rule.source).contains(&h)
        })
    }
}

/// Where a record was read: "document p.3 table row 2".
pub fn provenance(r: &PortRecord) -> String {
    let mut s = r.document.clone();
    if let Some(p) = r.page {
        let _ = write!(s, " p.{p}");
    }
    if !r.table.is_empty() {
        let _ = write!(s, " \"{}\"", r.table);
    }
    if !r.section.is_empty() {
        let _ = write!(s, " ({})", r.section);
    }
    if r.origin == "table" {
        let _ = write!(s, " row {}", r.row);
    } else {
        let _ = write!(s, " {} #{}", r.origin, r.row);
    }
    s
}

/// The product's own host when neither the record nor its product names it.
pub const UNNAMED_PRODUCT: &str = "(the documented product)";

/// The product's own host when the record does not name it.
fn own_host(r: &PortRecord) -> String {
    if r.product.is_empty() {
        UNNAMED_PRODUCT.into()
    } else {
        r.product.clone()
    }
}

/// The rules of `records` that `filter` keeps, in a canonical order, and the records that need a
/// decision first.
pub fn rules(records: &[PortRecord], filter: &Filter) -> (Vec<Rule>, Vec<Undecided>) {
    let mut by_key: BTreeMap<(Way, String, String, String, u16, u16), Rule> = BTreeMap::new();
    let mut undecided = Vec::new();
    for r in records.iter().filter(|r| filter.keeps(r)) {
        let way = match r.port_side.as_str() {
            "local" => Way::In,
            "remote" => Way::Out,
            _ => {
                undecided.push(Undecided {
                    why: "the document does not say whose port it is (port_side)",
                    record: r.clone(),
                });
                continue;
            }
        };
        if r.transport.is_empty() {
            undecided.push(Undecided {
                why: "the document does not say the transport (tcp or udp)",
                record: r.clone(),
            });
            continue;
        }
        let named = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let (source, destination) = match way {
            Way::In => (
                named(&r.peer).unwrap_or_else(|| ANY.into()),
                named(&r.host).unwrap_or_else(|| own_host(r)),
            ),
            Way::Out => (
                named(&r.peer).unwrap_or_else(|| own_host(r)),
                named(&r.host).unwrap_or_else(|| ANY.into()),
            ),
        };
        let key = (
            way,
            source.clone(),
            destination.clone(),
            r.transport.clone(),
            r.port_start,
            r.port_end,
        );
        let rule = by_key.entry(key).or_insert_with(|| Rule {
            way,
            source,
            destination,
            transport: r.transport.clone(),
            port_start: r.port_start,
            port_end: r.port_end,
            from: Vec::new(),
            ids: Vec::new(),
        });
        let p = provenance(r);
        if !rule.from.contains(&p) {
            rule.from.push(p);
        }
        rule.ids.push(r.id.clone());
    }
    let rules = by_key
        .into_values()
        .filter(|r| filter.keeps_rule(r))
        .collect();
    (rules, undecided)
}

/// Rules that share direction, parties and transport, with their ports merged into the fewest
/// ranges (overlapping and adjacent ranges joined): one firewall statement each.
#[derive(Debug, Clone, PartialEq)]
pub struct Group<'a> {
    pub way: Way,
    pub source: &'a str,
    pub destination: &'a str,
    pub transport: &'a str,
    pub ranges: Vec<(u16, u16)>,
    pub rules: Vec<&'a Rule>,
}

impl Group<'_> {
    /// The ports, `a`, or `a{range}b` for a range (`-` for nftables, `:` for iptables).
    fn port_list(&self, range: &str) -> Vec<String> {
        ports_text(&self.ranges, range)
    }

    /// Where its rules come from, each place once.
    fn places(&self) -> Vec<&str> {
        dedup(
            self.rules
                .iter()
                .flat_map(|r| r.from.iter().map(String::as_str))
                .collect(),
        )
    }
}

fn ports_text(ranges: &[(u16, u16)], range: &str) -> Vec<String> {
    ranges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}{range}{b}")
            }
        })
        .collect()
}

pub fn groups(rules: &[Rule]) -> Vec<Group<'_>> {
    let mut out: Vec<Group> = Vec::new();
    for r in rules {
        match out.iter_mut().find(|g| {
            g.way == r.way
                && g.source == r.source
                && g.destination == r.destination
                && g.transport == r.transport
        }) {
            Some(g) => g.rules.push(r),
            None => out.push(Group {
                way: r.way,
                source: &r.source,
                destination: &r.destination,
                transport: &r.transport,
                ranges: Vec::new(),
                rules: vec![r],
            }),
        }
    }
    for g in &mut out {
        g.ranges = merge_ranges(g.rules.iter().map(|r| (r.port_start, r.port_end)).collect());
    }
    out
}

/// Ranges sorted, with overlapping and adjacent ones joined.
pub fn merge_ranges(mut ranges: Vec<(u16, u16)>) -> Vec<(u16, u16)> {
    ranges.sort();
    let mut out: Vec<(u16, u16)> = Vec::new();
    for (a, b) in ranges {
        match out.last_mut() {
            Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The rules as CSV: one line per rule, then the records that need a decision, for a
/// spreadsheet as `style` says.
pub fn to_csv(rules: &[Rule], undecided: &[Undecided], style: CsvStyle) -> Vec<u8> {
    let mut out = Vec::new();
    if style.bom {
        out.extend_from_slice(crate::emit::BOM.as_bytes());
    }
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(&mut out);
        let cell = |s: &str| {
            if style.neutralize {
                neutralized(s)
            } else {
                s.to_string()
            }
        };
        w.write_record([
            "decision",
            "way",
            "source",
            "destination",
            "transport",
            "ports",
            "from",
            "ids",
        ])
        .expect("in-memory write");
        for r in rules {
            w.write_record([
                "allow".to_string(),
                r.way.as_str().to_string(),
                cell(&r.source),
                cell(&r.destination),
                r.transport.clone(),
                port_range_text(r.port_start, r.port_end),
                cell(&r.from.join("; ")),
                r.ids.join(" "),
            ])
            .expect("in-memory write");
        }
        for u in undecided {
            let r = &u.record;
            w.write_record([
                "needs a decision".to_string(),
                String::new(),
                cell(&r.peer),
                cell(&r.host),
                r.transport.clone(),
                port_range_text(r.port_start, r.port_end),
                cell(&format!("{}: {}", provenance(r), u.why)),
                r.id.clone(),
            ])
            .expect("in-memory write");
        }
        w.flush().expect("in-memory write");
    }
    out
}

/// The rules as a Markdown firewall request.
pub fn to_markdown(rules: &[Rule], undecided: &[Undecided], title: &str) -> String {
    let mut s = format!("# Firewall request: {}\n\n", md_cell(title));
    let _ = writeln!(
        s,
        "{} rules; {} records need a decision.\n",
        rules.len(),
        undecided.len()
    );
    s.push_str("| way | source | destination | transport | ports | from |\n");
    s.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for g in groups(rules) {
        let ports = g.port_list("-");
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            g.way.as_str(),
            md_cell(g.source),
            md_cell(g.destination),
            g.transport,
            ports.join(", "),
            md_cell(&g.places().join("; "))
        );
    }
    if !undecided.is_empty() {
        s.push_str("\n## Needs a decision\n\n| port | transport | side | listener | from | why |\n| --- | --- | --- | --- | --- | --- |\n");
        for u in undecided {
            let r = &u.record;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                port_range_text(r.port_start, r.port_end),
                if r.transport.is_empty() {
                    "?"
                } else {
                    &r.transport
                },
                if r.port_side.is_empty() {
                    "?"
                } else {
                    &r.port_side
                },
                md_cell(&r.listener),
                md_cell(&provenance(r)),
                u.why
            );
        }
    }
    s
}

fn dedup(v: Vec<&str>) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// A comment that neither nft nor iptables-restore misreads: printable, no quotes, at most
/// `max` bytes of UTF-8 (both tools count bytes: a Japanese party name takes three a
/// character), cut at a character with `…`.
fn comment(s: &str, max: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if c == '"' || c == '\\' || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    if clean.len() <= max {
        return clean;
    }
    let ellipsis = '…';
    let mut out = String::new();
    for c in clean.chars() {
        if out.len() + c.len_utf8() + ellipsis.len_utf8() > max {
            break;
        }
        out.push(c);
    }
    out.push(ellipsis);
    out
}

/// An nftables set name for a party: ASCII letters, digits and `_`, unique in the file.
fn set_name(party: &str, taken: &mut BTreeMap<String, String>) -> String {
    if let Some(n) = taken.get(party) {
        return n.clone();
    }
    let mut base: String = crate::normalize::key(party)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    base = base.trim_matches('_').to_string();
    while base.contains("__") {
        base = base.replace("__", "_");
    }
    base.truncate(NFT_SET_NAME_CHARS);
    if base.is_empty() {
        // a name in another script: named by its hash (the comment above the set says whose)
        base = format!("party_{}", &crate::sha256_hex(party.as_bytes())[..8]);
    } else if base.starts_with(|c: char| c.is_ascii_digit()) {
        base = format!("party_{base}");
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.values().any(|v| *v == name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    taken.insert(party.to_string(), name.clone());
    name
}

/// The longest party-derived part of an nftables set name (nft allows more; short names keep
/// the rules readable).
const NFT_SET_NAME_CHARS: usize = 40;
/// The longest comment nft accepts on a rule: 128 bytes.
const NFT_COMMENT_BYTES: usize = 128;
/// iptables' comment match takes 255 bytes.
const IPT_COMMENT_BYTES: usize = 255;
/// iptables' multiport match takes at most 15 ports, a range counting as two.
const MULTIPORT_SLOTS: usize = 15;

/// The rules as an nftables script (`nft -f`): table `inet portolan`, an `input` chain for the
/// ports of the product's hosts and an `output` chain for the ports it connects to. Each party
/// is a named address set, empty, for the operator to fill in (`nft add element inet portolan
/// mailbox_server { 192.0.2.10 }`); `any` matches every address. Ports are sets and intervals.
pub fn to_nftables(rules: &[Rule], undecided: &[Undecided], title: &str) -> String {
    let groups = groups(rules);
    let mut names = BTreeMap::new();
    for g in &groups {
        for p in [g.source, g.destination] {
            if p != ANY {
                set_name(p, &mut names);
            }
        }
    }
    let mut s = String::new();
    let _ = writeln!(s, "#!/usr/sbin/nft -f");
    let _ = writeln!(s, "# Firewall request: {}", comment(title, 200));
    let _ = writeln!(
        s,
        "# {} rules from portolan; {} records need a decision (listed at the end).",
        rules.len(),
        undecided.len()
    );
    let _ = writeln!(s, "table inet portolan {{");
    let mut parties: Vec<(&String, &String)> = names.iter().collect();
    parties.sort_by(|a, b| a.1.cmp(b.1));
    for (party, name) in parties {
        let _ = writeln!(s, "\t# {}", comment(party, 200));
        let _ = writeln!(
            s,
            "\tset {name} {{\n\t\ttype ipv4_addr\n\t\tflags interval\n\t}}"
        );
    }
    for (way, chain, hook) in [(Way::In, "input", "input"), (Way::Out, "output", "output")] {
        let _ = writeln!(s, "\tchain {chain} {{");
        let _ = writeln!(
            s,
            "\t\ttype filter hook {hook} priority filter; policy accept;"
        );
        for g in groups.iter().filter(|g| g.way == way) {
            let ports = g.port_list("-");
            for f in g.places() {
                let _ = writeln!(s, "\t\t# {}", comment(f, 300));
            }
            let mut m = String::new();
            if g.source != ANY {
                let _ = write!(m, "ip saddr @{} ", names[g.source]);
            }
            if g.destination != ANY {
                let _ = write!(m, "ip daddr @{} ", names[g.destination]);
            }
            let dport = if ports.len() == 1 {
                ports[0].clone()
            } else {
                format!("{{ {} }}", ports.join(", "))
            };
            let _ = writeln!(
                s,
                "\t\t{m}{} dport {dport} accept comment \"{}\"",
                g.transport,
                comment(
                    &format!("{} -> {}", g.source, g.destination),
                    NFT_COMMENT_BYTES
                )
            );
        }
        let _ = writeln!(s, "\t}}");
    }
    let _ = writeln!(s, "}}");
    undecided_comments(&mut s, undecided);
    s
}

fn undecided_comments(s: &mut String, undecided: &[Undecided]) {
    for u in undecided {
        let r = &u.record;
        let _ = writeln!(
            s,
            "# needs a decision: {} {} ({}): {}",
            if r.transport.is_empty() {
                "?"
            } else {
                &r.transport
            },
            port_range_text(r.port_start, r.port_end),
            comment(&provenance(r), 300),
            u.why
        );
    }
}

/// The rules as `iptables-restore` input for the filter table: INPUT for the ports of the
/// product's hosts, OUTPUT for the ports it connects to, ports joined with the multiport match
/// (15 slots a rule). iptables has no named address sets without ipset, so the parties are in
/// each rule's comment, for the operator to add `-s`/`-d`.
pub fn to_iptables(rules: &[Rule], undecided: &[Undecided], title: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Firewall request: {}", comment(title, 200));
    let _ = writeln!(
        s,
        "# {} rules from portolan; {} records need a decision (listed at the end).",
        rules.len(),
        undecided.len()
    );
    s.push_str("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
    for g in groups(rules) {
        let chain = match g.way {
            Way::In => "INPUT",
            Way::Out => "OUTPUT",
        };
        for f in g.places() {
            let _ = writeln!(s, "# {}", comment(f, 300));
        }
        let note = comment(
            &format!("{} -> {}", g.source, g.destination),
            IPT_COMMENT_BYTES,
        );
        for chunk in multiport_chunks(&g.ranges) {
            let ports = ports_text(&chunk, ":");
            let _ = writeln!(
                s,
                "-A {chain} -p {t} -m {t} -m multiport --dports {} -m comment --comment \"{note}\" -j ACCEPT",
                ports.join(","),
                t = g.transport,
            );
        }
    }
    s.push_str("COMMIT\n");
    undecided_comments(&mut s, undecided);
    s
}

/// A rule's description for a cloud firewall: the parties and where the rule comes from, in
/// the characters AWS allows in a description, at most `max` of them.
fn cloud_description(g: &Group, max: usize) -> String {
    let text = format!(
        "{} to {}: {}",
        g.source,
        g.destination,
        g.places().join("; ")
    )
    .replace('"', "");
    let allowed = |c: char| c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c);
    let clean: String = text
        .chars()
        .map(|c| if allowed(c) { c } else { '?' })
        .collect();
    clean.chars().take(max).collect()
}

/// The address of a party for a cloud firewall: `any` is every address; a named party is a
/// placeholder that names it, which the cloud refuses until the operator puts its address in
/// (a rule is never opened to the world by a guess).
fn cloud_address(party: &str, any: &str) -> String {
    if party == ANY || is_internet(party) {
        any.to_string()
    } else {
        format!("<address of {party}>")
    }
}

/// "Internet", "Internet (any)", "the internet": every address.
fn is_internet(party: &str) -> bool {
    let k = crate::normalize::key(party);
    let k = k.trim_start_matches("the ");
    k == "internet" || k.starts_with("internet (")
}

/// AWS descriptions are at most 255 characters.
const AWS_DESCRIPTION_CHARS: usize = 255;
/// Azure security rule descriptions are at most 140 characters.
const AZURE_DESCRIPTION_CHARS: usize = 140;
/// The first priority of portolan's Azure rules (100 is the lowest number Azure takes); each
/// direction counts up from it.
const AZURE_FIRST_PRIORITY: u32 = 100;

/// The rules as an AWS security group's `IpPermissions` (ingress, the `in` rules) and
/// `IpPermissionsEgress` (the `out` rules), as `aws ec2 authorize-security-group-ingress
/// --ip-permissions` takes them: one permission per port range, the other party as the range.
pub fn to_aws_sg(rules: &[Rule], undecided: &[Undecided]) -> String {
    let mut ingress = Vec::new();
    let mut egress = Vec::new();
    for g in groups(rules) {
        let (list, party) = match g.way {
            Way::In => (&mut ingress, g.source),
            Way::Out => (&mut egress, g.destination),
        };
        for &(a, b) in &g.ranges {
            list.push(serde_json::json!({
                "IpProtocol": g.transport,
                "FromPort": a,
                "ToPort": b,
                "IpRanges": [{
                    "CidrIp": cloud_address(party, "0.0.0.0/0"),
                    "Description": cloud_description(&g, AWS_DESCRIPTION_CHARS),
                }],
            }));
        }
    }
    let out = serde_json::json!({
        "IpPermissions": ingress,
        "IpPermissionsEgress": egress,
        "NeedsDecision": undecided_json(undecided),
    });
    serde_json::to_string_pretty(&out).expect("JSON") + "\n"
}

/// The rules as an Azure network security group's `securityRules` (ARM template form): one
/// rule per connection, its ports in `destinationPortRanges`, inbound and outbound priorities
/// counting up from [`AZURE_FIRST_PRIORITY`].
pub fn to_azure_nsg(rules: &[Rule], undecided: &[Undecided]) -> String {
    let mut out = Vec::new();
    let mut next = [AZURE_FIRST_PRIORITY, AZURE_FIRST_PRIORITY];
    for g in groups(rules) {
        let (direction, k) = match g.way {
            Way::In => ("Inbound", 0),
            Way::Out => ("Outbound", 1),
        };
        let priority = next[k];
        next[k] += 1;
        let protocol = match g.transport {
            "tcp" => "Tcp",
            "udp" => "Udp",
            _ => "*",
        };
        out.push(serde_json::json!({
            "name": format!("portolan-{}-{priority}", g.way.as_str()),
            "properties": {
                "description": cloud_description(&g, AZURE_DESCRIPTION_CHARS),
                "protocol": protocol,
                "sourcePortRange": "*",
                "destinationPortRanges": g.port_list("-"),
                "sourceAddressPrefix": cloud_address(g.source, "*"),
                "destinationAddressPrefix": cloud_address(g.destination, "*"),
                "access": "Allow",
                "priority": priority,
                "direction": direction,
            },
        }));
    }
    let out = serde_json::json!({
        "securityRules": out,
        "needsDecision": undecided_json(undecided),
    });
    serde_json::to_string_pretty(&out).expect("JSON") + "\n"
}

fn undecided_json(undecided: &[Undecided]) -> Vec<serde_json::Value> {
    undecided
        .iter()
        .map(|u| {
            serde_json::json!({
                "port": port_range_text(u.record.port_start, u.record.port_end),
                "transport": u.record.transport,
                "from": provenance(&u.record),
                "why": u.why,
                "id": u.record.id,
            })
        })
        .collect()
}

/// Ranges cut into runs that fit one multiport match.
fn multiport_chunks(ranges: &[(u16, u16)]) -> Vec<Vec<(u16, u16)>> {
    let mut out: Vec<Vec<(u16, u16)>> = Vec::new();
    let mut used = MULTIPORT_SLOTS;
    for &(a, b) in ranges {
        let slots = if a == b { 1 } else { 2 };
        if used + slots > MULTIPORT_SLOTS {
            out.push(Vec::new());
            used = 0;
        }
        out.last_mut().expect("a chunk").push((a, b));
        used += slots;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(port: (u16, u16), side: &str, transport: &str, host: &str, peer: &str) -> PortRecord {
        let mut r = PortRecord {
            document: "guide.md".into(),
            table: "Ports".into(),
            row: port.0 as u32,
            port_start: port.0,
            port_end: port.1,
            port_side: side.into(),
            transport: transport.into(),
            host: host.into(),
            peer: peer.into(),
            product: "Finesse".into(),
            origin: "table".into(),
            ..Default::default()
        };
        r.compute_id();
        r
    }

    #[test]
    fn ranges_merge_when_they_overlap_or_touch() {
        assert_eq!(
            merge_ranges(vec![
                (443, 443),
                (80, 80),
                (8000, 8010),
                (8011, 8011),
                (8005, 8020)
            ]),
            [(80, 80), (443, 443), (8000, 8020)]
        );
        assert_eq!(merge_ranges(vec![(65535, 65535), (1, 65535)]), [(1, 65535)]);
    }

    #[test]
    fn one_rule_per_connection_and_port_and_the_undecided_apart() {
        let records = [
            rec((8445, 8445), "local", "tcp", "", "Browser"),
            // the same connection and port from another table: one rule, two provenances
            {
                let mut r = rec((8445, 8445), "local", "tcp", "", "Browser");
                r.table = "Other".into();
                r
            },
            rec((389, 389), "remote", "tcp", "Directory server", ""),
            rec((5060, 5060), "", "tcp", "", ""),
            rec((7443, 7443), "local", "", "", ""),
        ];
        let (rules, undecided) = rules(&records, &Filter::default());
        assert_eq!(rules.len(), 2);
        assert_eq!(
            (
                rules[0].way,
                rules[0].source.as_str(),
                rules[0].destination.as_str()
            ),
            (Way::In, "Browser", "Finesse")
        );
        assert_eq!(rules[0].from.len(), 2);
        assert_eq!(
            (
                rules[1].way,
                rules[1].source.as_str(),
                rules[1].destination.as_str()
            ),
            (Way::Out, "Finesse", "Directory server")
        );
        let ports: Vec<u16> = undecided.iter().map(|u| u.record.port_start).collect();
        assert_eq!(ports, [5060, 7443]);
        let f = Filter {
            host: Some("directory".into()),
            ..Default::default()
        };
        assert_eq!(super::rules(&records, &f).0.len(), 1);
    }

    #[test]
    fn multiport_takes_fifteen_slots() {
        let ranges: Vec<(u16, u16)> = (1..=20).map(|p| (p * 10, p * 10)).collect();
        let chunks = multiport_chunks(&ranges);
        assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), [15, 5]);
        let mixed = multiport_chunks(&[
            (1, 2),
            (4, 5),
            (7, 8),
            (10, 11),
            (13, 14),
            (16, 17),
            (19, 20),
            (22, 23),
        ]);
        // seven ranges take 14 slots: the eighth range (two more) starts a new rule
        assert_eq!(mixed.iter().map(Vec::len).collect::<Vec<_>>(), [7, 1]);
    }

    #[test]
    fn comments_fit_in_bytes_whatever_the_script() {
        let long = "フロント エンド サーバー".repeat(20);
        for max in [NFT_COMMENT_BYTES, IPT_COMMENT_BYTES] {
            let c = comment(&long, max);
            assert!(c.len() <= max && c.ends_with('…'), "{} {c}", c.len());
        }
        assert_eq!(comment("a \"b\"\n", 128), "a  b  ");
    }

    #[test]
    fn spreadsheet_formulas_are_neutralized() {
        for bad in ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralized(bad).starts_with('\''), "{bad}");
        }
        assert_eq!(neutralized("Mailbox server"), "Mailbox server");
    }

    #[test]
    fn set_names_are_unique_and_plain() {
        let mut taken = BTreeMap::new();
        assert_eq!(set_name("Mailbox server", &mut taken), "mailbox_server");
        assert_eq!(set_name("Mailbox  server!", &mut taken), "mailbox_server_2");
        let cjk = set_name("フロント エンド サーバー", &mut taken);
        assert!(cjk.starts_with("party_") && cjk.len() == 14, "{cjk}");
        assert_eq!(set_name("9 lives", &mut taken), "party_9_lives");
        assert_eq!(set_name("Mailbox server", &mut taken), "mailbox_server");
    }
}
