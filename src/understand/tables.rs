//! Finding port tables in a document, merging fragments, giving columns their roles, and turning
//! rows into records.

use crate::document::TableBody;
use crate::normalize::{key, squash, take_marks};
use crate::record::PortRecord;
use crate::structure::rows::rebuild_rows;
pub use crate::structure::FoundTable;
use crate::tuning::SENTENCE_CELL_PENALTY;
use crate::tuning::{
    CONTENT_PORT_MIN_CELLS, CONTENT_PORT_SHARE, GRID_CONFIDENCE, GUESS_PENALTY, NOTES_PORT_PENALTY,
    ROW_COUNTER_MAX, STREAM_CONFIDENCE, TITLE_DIRECTION_MAX_WORDS,
};
use crate::understand::cells::{parse_port_cell, CellParse, PortSpec};
use crate::understand::flow::{flow_direction, subject_words};
use crate::understand::prose::port_mentions;
use crate::understand::Footnotes;
use crate::vocab::{vocab, Direction, Role, Transport};
use std::collections::BTreeSet;

/// The direction the introducing paragraph states for every row of its table (LABELING rule
/// 18): the words of its last sentence, when they name one direction.
fn intro_direction(intro: &str) -> Option<Direction> {
    let last = crate::understand::prose::sentences(intro).pop()?;
    vocab()
        .direction(&last)
        .filter(|d| *d != Direction::Bidirectional)
}

/// Which column does what, found from the header text.
#[derive(Debug, Clone)]
pub struct Columns {
    pub roles: Vec<Option<Role>>,
    pub listener: Option<usize>,
    pub listener_guessed: bool,
    pub remote: Option<usize>,
    pub source: Option<usize>,
    pub destination: Option<usize>,
    pub host: Option<usize>,
    pub transport: Option<usize>,
    /// Transport columns of one side only ("Listener Protocol", "Remote Protocol").
    pub local_transport: Option<usize>,
    pub remote_transport: Option<usize>,
    pub direction: Option<usize>,
    /// The end of a range whose start is in the port column ("Start port | End port").
    pub port_end: Option<usize>,
    pub notes: Vec<usize>,
    pub ports: Vec<(usize, Role)>,
    /// Port columns headed by a transport name ("UDP", "TCP"): that transport for their ports.
    pub port_transports: Vec<(usize, Transport)>,
}

impl Columns {
    pub fn from_header(header: &[String]) -> Columns {
        let v = vocab();
        let mut roles: Vec<Option<Role>> = header.iter().map(|h| v.header_role(h)).collect();
        // a column headed only by a transport name ("Description | UDP | TCP") holds that
        // transport's ports
        let mut port_transports = Vec::new();
        for (i, h) in header.iter().enumerate() {
            let k = key(&take_marks(h).0);
            if roles[i].is_none() && v.is_explicit_transport(k.trim()) {
                if let Some(t) = v.transport_word(k.trim()) {
                    roles[i] = Some(Role::Port);
                    port_transports.push((i, t));
                }
            }
        }
        Columns::from_roles(roles, port_transports)
    }

    /// The header's roles, and where the header names no port column, port columns found from
    /// their cells (a column of port specs is a port column, whatever its header says).
    /// Only a table about ports is read this way: its title or header says "port" (in any
    /// vocabulary language) or it has a transport column; a sizing table of counts is not.
    pub fn from_table(title: &str, header: &[String], body: &TableBody) -> Columns {
        let cols = Columns::from_header(header);
        let TableBody::Grid(rows) = body else {
            return cols;
        };
        if !cols.ports.is_empty() {
            return cols;
        }
        let about_ports = cols.transport.is_some()
            || vocab()
                .prose_port_words
                .found_in(&key(&format!("{title} {}", header.join(" "))));
        if !about_ports {
            return cols;
        }
        let found = port_columns_by_content(&cols.roles, rows);
        if found.is_empty() {
            return cols;
        }
        let mut roles = cols.roles;
        for c in found {
            roles[c] = Some(Role::Port);
        }
        Columns::from_roles(roles, cols.port_transports)
    }

    fn from_roles(roles: Vec<Option<Role>>, port_transports: Vec<(usize, Transport)>) -> Columns {
        let first = |r: Role| roles.iter().position(|x| *x == Some(r));
        // a connection table's ports are its destination's (LABELING rule 13)
        let (listener, listener_guessed) = match first(Role::Listener) {
            Some(c) => (Some(c), false),
            None => match first(Role::Destination) {
                Some(c) => (Some(c), false),
                None => (first(Role::Purpose).or(first(Role::Host)), true),
            },
        };
        let notes = roles
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                matches!(r, Some(Role::Notes))
                    || (matches!(r, Some(Role::Purpose)) && Some(*i) != listener)
            })
            .map(|(i, _)| i)
            .collect();
        let ports = roles
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.filter(|r| r.is_port()).map(|r| (i, r)))
            .collect();
        Columns {
            listener,
            listener_guessed,
            remote: first(Role::Remote).or(first(Role::Source)),
            source: first(Role::Source),
            destination: first(Role::Destination),
            host: first(Role::Host).filter(|h| Some(*h) != listener),
            transport: first(Role::Transport),
            local_transport: first(Role::LocalTransport),
            remote_transport: first(Role::RemoteTransport),
            direction: first(Role::Direction),
            port_end: first(Role::PortEnd),
            notes,
            ports,
            port_transports,
            roles,
        }
    }
}

/// Columns without a header role whose cells are port specifications (see the `CONTENT_PORT_*`
/// tuning numbers): most non-empty cells parse as ports, and they are not a row counter.
fn port_columns_by_content(roles: &[Option<Role>], rows: &[Vec<String>]) -> Vec<usize> {
    (0..roles.len())
        .filter(|&c| roles[c].is_none())
        .filter(|&c| {
            let cells: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect();
            let firsts: Vec<u16> = cells
                .iter()
                .filter_map(|s| match parse_port_cell(s) {
                    CellParse::Ports(p) if !p.is_empty() => Some(p[0].start),
                    _ => None,
                })
                .collect();
            let counter = firsts.iter().all(|&p| p < ROW_COUNTER_MAX)
                && firsts.windows(2).all(|w| w[1] == w[0] + 1);
            firsts.len() >= CONTENT_PORT_MIN_CELLS
                && firsts.len() as f64 >= CONTENT_PORT_SHARE * cells.len() as f64
                && !counter
        })
        .collect()
}

/// What the understanding of one table produced.
pub struct TableResult {
    pub records: Vec<PortRecord>,
    pub warnings: Vec<String>,
    pub is_port_table: bool,
}

/// A name cell as a record field: footnote marks off, whitespace squashed, a lone dash is empty.
fn text_cell(cell: &str) -> String {
    let s = squash(&take_marks(cell).0);
    if s.chars().all(|c| matches!(c, '-' | '—' | '–' | '−')) || vocab().not_applicable.is(&key(&s))
    {
        String::new()
    } else {
        s
    }
}

/// Ports listed in a notes cell that the port cell points to ("see comments"): list items of the
/// shape "label: ports" ("SOCKS4, SOCKS5: 1081, 1080"). The label becomes the qualifier; a
/// transport named in the text before the list ("the following TCP ports") applies to them all.
fn ports_in_notes_list(notes: &str) -> (Vec<PortSpec>, Vec<String>) {
    let v = vocab();
    let mut items = notes.split('•');
    let intro = items.next().unwrap_or("");
    let transports = v.transports_in(intro);
    let (mut specs, mut raws) = (Vec::new(), Vec::new());
    for item in items {
        let item = item.trim();
        let Some((label, rest)) = item.rsplit_once(':') else {
            continue;
        };
        let CellParse::Ports(found) = parse_port_cell(rest) else {
            continue;
        };
        for mut s in found {
            if s.transports.is_empty() {
                s.transports = transports.clone();
            }
            if s.qualifier.is_empty() {
                s.qualifier = squash(label);
            }
            specs.push(s);
            raws.push(item.to_string());
        }
    }
    (specs, raws)
}

/// The ports running text in a cell names, as port specs.
fn specs_in_sentence(text: &str) -> Vec<PortSpec> {
    port_mentions(text)
        .into_iter()
        .map(|(start, end, tr)| PortSpec {
            transports: vocab().transports_in(&tr),
            start,
            end,
            ..Default::default()
        })
        .collect()
}

/// Flags stated as a parenthetical of their own in a notes cell: "... clients (default)".
fn notes_flags(notes: &str) -> (bool, bool) {
    let v = vocab();
    let (mut d, mut c) = (false, false);
    for part in notes.split('(').skip(1) {
        let Some((inner, _)) = part.split_once(')') else {
            continue;
        };
        let k = key(inner);
        d |= v.flag_default.is(&k);
        c |= v.flag_configurable.is(&k);
    }
    (d, c)
}

/// The side of a port (LABELING rules 8 and 12): a remote-port column or an outbound row is the
/// other party's; any other port of a table about the documented component is its own.
fn side_for(role: Role, dir: Option<Direction>) -> &'static str {
    match (role, dir) {
        (Role::RemotePort, _) => "remote",
        (_, Some(Direction::Outbound)) => "remote",
        _ => "local",
    }
}

/// Of several transport columns ("Protocol | Transport"), the one whose cells name TCP, UDP or
/// SCTP most often; the first when none does.
fn best_transport_column(cols: &Columns, rows: &[Vec<String>]) -> Option<usize> {
    let v = vocab();
    let candidates: Vec<usize> = (0..cols.roles.len())
        .filter(|&c| cols.roles[c] == Some(Role::Transport))
        .collect();
    if candidates.len() < 2 {
        return cols.transport;
    }
    let explicit = |c: usize| {
        rows.iter()
            .filter(|r| {
                r.get(c)
                    .is_some_and(|t| !v.explicit_transports_in(t).is_empty())
            })
            .count()
    };
    let best = candidates.iter().map(|&c| explicit(c)).max().unwrap_or(0);
    if best == 0 {
        return cols.transport;
    }
    candidates.into_iter().find(|&c| explicit(c) == best)
}

/// A party cell as compared: footnote marks, bracketed include tokens and case off.
fn party_key(cell: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in take_marks(cell).0.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    // an unresolved include token ("!INCLUDE") is not part of a name
    let words: Vec<&str> = out
        .split_whitespace()
        .filter(|w| !w.starts_with('!'))
        .collect();
    key(&words.join(" ")).trim().to_string()
}

/// The documented component in a connection table: the party its source and destination
/// cells name most often (ties: the first met).
fn home_party(rows: &[Vec<String>], cols: &[Option<usize>]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for row in rows {
        crate::budget::check();
        for c in cols.iter().flatten() {
            let k = party_key(row.get(*c).map_or("", |s| s.as_str()));
            if k.is_empty() || vocab().outside_parties.found_in(&k) {
                continue;
            }
            match counts.iter_mut().find(|(p, _)| *p == k) {
                Some(e) => e.1 += 1,
                None => counts.push((k, 1)),
            }
        }
    }
    let best = counts.iter().map(|e| e.1).max().unwrap_or(0);
    counts
        .into_iter()
        .find(|e| e.1 == best)
        .map(|e| e.0)
        .unwrap_or_default()
}

/// Words too common to tie two party names together.
const PARTY_FILLER: [&str; 8] = [
    "all", "any", "the", "and", "other", "every", "each", "nodes",
];

/// A party is the documented component (or a part of it) when it names the home party, is
/// named in it, or shares a distinctive word with it ("RKE2 server nodes", "All RKE2 nodes").
fn is_home_party(cell: &str, home: &str) -> bool {
    let k = party_key(cell);
    if k.is_empty() || home.is_empty() || vocab().outside_parties.found_in(&k) {
        return false;
    }
    if k.contains(home) || home.contains(&k) {
        return true;
    }
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3 && !PARTY_FILLER.contains(w))
            .map(str::to_string)
            .collect()
    };
    let hw = words(home);
    words(&k).iter().any(|w| hw.contains(w))
}

/// What a table's title says about all its rows (LABELING rules 18 and 20).
#[derive(Debug, Default)]
pub struct TitleContext {
    /// "A --> B": the source, which connects ...
    pub source: Option<String>,
    /// ... and the destination, which owns the ports.
    pub destination: Option<String>,
    pub direction: Option<Direction>,
}

/// The parts of the documented product as the document's connection titles name them: every
/// party that opens a connection in an "A --> B" title (keys as [`party_key`] makes them).
pub fn product_parts(tables: &[FoundTable]) -> BTreeSet<String> {
    tables
        .iter()
        .filter_map(|t| TitleContext::of(&t.title).source)
        .map(|s| party_key(&s))
        .filter(|k| !k.is_empty())
        .collect()
}

impl TitleContext {
    /// The title's context, where a destination that is an outside party (the Internet, a
    /// cloud service, a domain controller) and never a connecting part of the product makes the
    /// rows connections out of the product (LABELING rule 20): outbound, to a remote port.
    fn in_document(title: &str, parts: &BTreeSet<String>) -> TitleContext {
        let mut out = TitleContext::of(title);
        if let (Some(d), None) = (&out.destination, out.direction) {
            let k = party_key(d);
            if vocab().outside_parties.found_in(&k) && !parts.contains(&k) {
                out.direction = Some(Direction::Outbound);
            }
        }
        out
    }

    pub fn of(title: &str) -> TitleContext {
        let t = squash(title)
            .replace("-- >", "-->")
            .replace("< --", "<--")
            .replace('→', "-->")
            .replace('↔', "<-->");
        let mut out = TitleContext::default();
        if let Some((_, dst)) = t.split_once("<-->").or_else(|| t.split_once("<->")) {
            out.destination = Some(squash(dst)).filter(|d| !d.is_empty());
            out.direction = Some(Direction::Bidirectional);
            return out;
        }
        if let Some((src, dst)) = t.split_once("-->").or_else(|| t.split_once("->")) {
            if !src.trim().is_empty() {
                out.source = Some(squash(src));
                out.destination = Some(squash(dst)).filter(|d| !d.is_empty());
                return out;
            }
        }
        if t.split_whitespace().count() <= TITLE_DIRECTION_MAX_WORDS {
            out.direction = vocab().direction(&t);
        }
        out
    }
}

/// The ports one cell gave: the column's role, the specs with the raw text of each, how much
/// less sure they are, and the column (none for ports read from the notes).
type FoundPorts = (Role, Vec<PortSpec>, Vec<String>, f64, Option<usize>);

/// Turns one table into records (without document-level fields, which the caller fills).
pub fn table_records(
    t: &FoundTable,
    table_index: u32,
    footnotes: &Footnotes,
    parts: &BTreeSet<String>,
) -> TableResult {
    let v = vocab();
    let cols = Columns::from_table(&t.title, &t.header, &t.body);
    let mut res = TableResult {
        records: Vec::new(),
        warnings: Vec::new(),
        is_port_table: !cols.ports.is_empty(),
    };
    if cols.ports.is_empty() {
        return res;
    }
    let width = t.header.len();
    let (rows, confidence) = match &t.body {
        TableBody::Grid(rows) => (rows.clone(), GRID_CONFIDENCE),
        TableBody::Stream {
            cells,
            continuation,
        } => (
            rebuild_rows(&cols.roles, cells, *continuation, &super::Grammar),
            STREAM_CONFIDENCE,
        ),
    };
    let confidence = if cols.listener_guessed {
        confidence - GUESS_PENALTY
    } else {
        confidence
    };
    let title = TitleContext::in_document(&t.title, parts);
    let intro_direction = intro_direction(&t.intro);
    let subject = [
        subject_words(&t.subject[0]),
        subject_words(&format!("{}\n{}", t.subject[1], t.title)),
    ];
    let mut cols = cols;
    cols.transport = best_transport_column(&cols, &rows);
    let home = cols
        .destination
        .map(|_| home_party(&rows, &[cols.source, cols.destination]));
    let mut section = String::new();
    let mut last_listener = String::new();
    let mut placeholder_warnings = Vec::new();
    for (ri, row) in rows.iter().enumerate() {
        crate::budget::check();
        let rownum = ri as u32 + 1;
        let mut row: Vec<String> = row.clone();
        if row.len() > width {
            // cells spliced in past the last column belong to the last column, unless they are a
            // note marker or repeat what the last column already says
            let last_text = squash(&row[width - 1]);
            let extra: Vec<String> = row
                .drain(width..)
                .filter(|c| !c.is_empty() && !v.note_markers.is(&key(c)))
                .filter(|c| !last_text.contains(&squash(c)))
                .collect();
            if !extra.is_empty() {
                let last = &mut row[width - 1];
                for e in extra {
                    if !last.is_empty() {
                        last.push(' ');
                    }
                    last.push_str(&e);
                }
            }
        }
        row.resize(width, String::new());
        let filled: Vec<usize> = (0..width).filter(|&c| !row[c].trim().is_empty()).collect();
        if filled.is_empty() {
            continue;
        }
        let first_key = key(&row[filled[0]]);
        if filled[0] == 0 && v.note_markers.is(&first_key) {
            continue; // a note spliced into the table
        }
        if filled.len() == 1
            && width >= 3
            && matches!(parse_port_cell(&row[filled[0]]), CellParse::NotPort)
        {
            section = squash(&row[filled[0]]);
            last_listener.clear();
            continue;
        }
        // the listener, inherited by continuation rows whose first cell is empty
        let mut listener = cols
            .listener
            .map(|c| text_cell(&row[c]))
            .unwrap_or_default();
        if cols.listener.is_none() || (cols.listener_guessed && listener.is_empty()) {
            // a table of one connection ("Site server --> SQL Server"): the ports are the
            // destination's
            if let Some(d) = &title.destination {
                listener = d.clone();
            }
        }
        if listener.is_empty() && cols.listener == Some(0) {
            listener = last_listener.clone();
        } else if listener.is_empty() {
            // a row whose listener cell is empty is named by its host/role column, if any
            listener = cols.host.map(|c| text_cell(&row[c])).unwrap_or_default();
        } else {
            last_listener = listener.clone();
        }
        // the direction column's, else the title's, else a cell of the row that starts with a
        // direction word ("Outbound mail", "Incoming connections from ...")
        let direction = cols
            .direction
            .and_then(|c| v.direction(&row[c]))
            .or(title.direction)
            .or_else(|| {
                (0..width)
                    .filter(|c| !cols.ports.iter().any(|p| p.0 == *c))
                    .find_map(|c| v.leading_direction(&row[c]))
            })
            .or(intro_direction)
            .or_else(|| {
                // a connection phrase ("Connections from the VCH to DNS servers")
                (0..width)
                    .filter(|c| !cols.ports.iter().any(|p| p.0 == *c))
                    .find_map(|c| flow_direction(&row[c], &subject))
            })
            .or_else(|| {
                // the notes say the component listens ("lauscht ... nach eingehenden Verbindungen")
                cols.notes
                    .iter()
                    .any(|&c| v.flow_listen.found_in(&key(&row[c])))
                    .then_some(Direction::Inbound)
            });
        // a side's own transport column, else the table's
        let transports_for = |role: Role| -> Vec<Transport> {
            let side = match role {
                Role::RemotePort => cols.remote_transport,
                Role::LocalPort => cols.local_transport,
                _ => None,
            };
            side.or(cols.transport)
                .map(|c| v.transports_in(&row[c]))
                .unwrap_or_default()
        };
        // with no transport column, a row whose listener or notes name exactly one transport
        // ("This TCP port is enabled ...") uses it, with a little less confidence
        let has_transport_col = cols.transport.is_some()
            || cols.local_transport.is_some()
            || cols.remote_transport.is_some();
        let text_transports: Vec<Transport> = if !has_transport_col {
            let t = v.explicit_transports_in(&format!(
                "{} {}",
                cols.listener.map_or("", |c| row[c].as_str()),
                cols.notes
                    .iter()
                    .map(|&c| row[c].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            if t.len() == 1 {
                t
            } else {
                Vec::new()
            }
        } else {
            Vec::new()
        };
        let remote = cols.remote.map(|c| text_cell(&row[c])).unwrap_or_default();
        // the parties as the row (or the title) writes them
        let cell = |c: Option<usize>| c.map(|c| text_cell(&row[c])).unwrap_or_default();
        let source = Some(cell(cols.source))
            .filter(|s| !s.is_empty())
            .or_else(|| title.source.clone())
            .unwrap_or_default();
        let destination = Some(cell(cols.destination))
            .filter(|s| !s.is_empty())
            .or_else(|| title.destination.clone())
            .unwrap_or_default();
        let host_cell = cols
            .host
            .filter(|h| Some(*h) != cols.listener)
            .map(|c| text_cell(&row[c]))
            .unwrap_or_default();
        let notes = squash(
            &cols
                .notes
                .iter()
                .map(|&c| row[c].as_str())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        );
        // "(default)" or "(configurable)" written in the notes applies to the row's ports
        let (notes_default, notes_configurable) = notes_flags(&notes);
        // footnote marks outside the port cells apply to every port of the row
        let port_cols: Vec<usize> = cols.ports.iter().map(|p| p.0).collect();
        let row_marks: Vec<String> = (0..width)
            .filter(|c| !port_cols.contains(c) && !cols.notes.contains(c))
            .flat_map(|c| take_marks(&row[c]).1)
            .collect();
        // each port cell's specs, with the raw text of each and how much less sure they are
        let mut found: Vec<FoundPorts> = Vec::new();
        let mut port_cells_empty = true;
        for &(pc, role) in &cols.ports {
            let cell = row[pc].trim();
            match parse_port_cell(cell) {
                CellParse::Ports(mut specs) => {
                    // "Start port | End port": one port here and one there make a range
                    let end = cols.port_end.map(|c| parse_port_cell(row[c].trim()));
                    if let (Some(CellParse::Ports(ends)), [spec]) = (end, specs.as_mut_slice()) {
                        if let [e] = ends.as_slice() {
                            if spec.start == spec.end && e.start == e.end && e.start > spec.end {
                                spec.end = e.start;
                            }
                        }
                    }
                    let raws = vec![squash(cell); specs.len()];
                    found.push((role, specs, raws, 0.0, Some(pc)));
                }
                CellParse::NoPort if v.see_notes.found_in(&key(cell)) => {
                    let (specs, raws) = ports_in_notes_list(&notes);
                    found.push((role, specs, raws, 0.15, None));
                }
                CellParse::Placeholder => {
                    placeholder_warnings.push(format!(
                        "table \"{}\" row {rownum}: placeholder port cell \"{}\" gives no record",
                        t.title,
                        squash(cell)
                    ));
                }
                CellParse::Invalid(why) => {
                    placeholder_warnings.push(format!(
                        "table \"{}\" row {rownum}: {why} in \"{}\"",
                        t.title,
                        squash(cell)
                    ));
                }
                CellParse::NoPort => continue,
                CellParse::NotPort => {
                    // a sentence in the port cell ("Default is TCP port 80 for ...") names the
                    // row's ports (LABELING rule 15)
                    let specs = specs_in_sentence(cell);
                    if !specs.is_empty() {
                        let raws = vec![squash(cell); specs.len()];
                        found.push((role, specs, raws, SENTENCE_CELL_PENALTY, Some(pc)));
                    }
                }
            }
            port_cells_empty = false;
        }
        if port_cells_empty && !notes.is_empty() {
            // every port cell is empty or a dash, and the notes name the port ("Nightly
            // export on TCP 22"): the row's port, read from running text, so less sure
            let specs = specs_in_sentence(&notes);
            let raws = vec![notes.clone(); specs.len()];
            found.push((Role::Port, specs, raws, NOTES_PORT_PENALTY, None));
        }
        let row_start = res.records.len();
        for (role, specs, raws, penalty, col) in found {
            let col_transports = match cols.port_transports.iter().find(|(c, _)| Some(*c) == col) {
                Some((_, t)) => vec![*t],
                None => transports_for(role),
            };
            for (spec, raw) in specs.into_iter().zip(raws) {
                let mut confidence = confidence - penalty;
                if spec.transports.is_empty()
                    && col_transports.is_empty()
                    && !text_transports.is_empty()
                {
                    confidence -= GUESS_PENALTY;
                }
                let transports: Vec<Option<Transport>> = if !spec.transports.is_empty() {
                    spec.transports.iter().copied().map(Some).collect()
                } else if !col_transports.is_empty() {
                    col_transports.iter().copied().map(Some).collect()
                } else if !text_transports.is_empty() {
                    text_transports.iter().copied().map(Some).collect()
                } else {
                    vec![None]
                };
                let (mut default_port, mut configurable) = (
                    spec.default_port || notes_default,
                    spec.configurable || notes_configurable,
                );
                for m in spec.marks.iter().chain(row_marks.iter()) {
                    let (d, c) = footnotes.flags(m);
                    default_port |= d;
                    configurable |= c;
                }
                let side = match (&home, cols.destination) {
                    (Some(home), Some(dc)) if role == Role::Port => {
                        if is_home_party(&row[dc], home) {
                            "local"
                        } else {
                            "remote"
                        }
                    }
                    _ => side_for(role, direction),
                };
                // the port's owner and the other party: a connection's destination owns its
                // port (LABELING rule 13); else the remote device owns a remote port, and the
                // row's server role a local one
                let (host, peer) = if !destination.is_empty() {
                    let peer = if source.is_empty() { &remote } else { &source };
                    (destination.clone(), peer.clone())
                } else if side == "remote" {
                    (remote.clone(), host_cell.clone())
                } else {
                    (host_cell.clone(), remote.clone())
                };
                for tr in transports {
                    let tr_name = tr.map(|t| t.as_str()).unwrap_or_default();
                    // "9999 / 9999" (a port and its TLS port, the same number): one record
                    // (LABELING rule 19)
                    if res.records[row_start..].iter().any(|r| {
                        r.port_start == spec.start
                            && r.port_end == spec.end
                            && r.transport == tr_name
                            && (role == Role::RemotePort) == (r.port_side == "remote")
                    }) {
                        continue;
                    }
                    res.records.push(PortRecord {
                        page: t.row_pages.get(ri).copied().or(t.page),
                        table: t.title.clone(),
                        section: section.clone(),
                        row: rownum,
                        listener: listener.clone(),
                        transport: tr.map(|t| t.as_str().to_string()).unwrap_or_default(),
                        port_start: spec.start,
                        port_end: spec.end,
                        port_side: side.to_string(),
                        host: host.clone(),
                        peer: peer.clone(),
                        source: source.clone(),
                        destination: destination.clone(),
                        direction: direction
                            .map(|d| d.as_str().to_string())
                            .unwrap_or_default(),
                        qualifier: spec.qualifier.clone(),
                        default_port,
                        configurable,
                        notes: notes.clone(),
                        origin: "table".into(),
                        confidence,
                        raw: raw.clone(),
                        table_index,
                        ..Default::default()
                    });
                }
            }
        }
    }
    if res.records.is_empty() {
        // a table with a port-ish column but no port in it (file patterns, "any") is not a port table
        res.is_port_table = false;
    } else {
        res.warnings.extend(placeholder_warnings);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_titles_to_outside_parties_are_outbound() {
        let parts: BTreeSet<String> = ["client", "management point"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let out = TitleContext::in_document("Management point --> Internet", &parts);
        assert_eq!(out.destination.as_deref(), Some("Internet"));
        assert_eq!(out.direction, Some(Direction::Outbound));
        // a client that opens connections elsewhere in the document is a part of the product
        let to_part = TitleContext::in_document("Console -- > Client", &parts);
        assert_eq!(to_part.destination.as_deref(), Some("Client"));
        assert_eq!(to_part.direction, None);
        let cloud = TitleContext::in_document("Connection point → Cloud service", &parts);
        assert_eq!(cloud.direction, Some(Direction::Outbound));
    }
}
