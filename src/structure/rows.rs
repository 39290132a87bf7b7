//! Rebuilding rows from a flat run of cells whose row breaks were lost (HTML rendered one cell per
//! line with empty cells dropped, pipe tables broken over lines, space-separated tables). Each
//! cell is placed by its shape (port-like, transport-like, direction-like, short or long text) in
//! the next column, left to right, that accepts that shape; a cell that fits nowhere to the right
//! starts a new row, or continues the last text cell when the source allows multi-paragraph cells
//! and no port follows soon.

use crate::structure::{CellClassifier, CellKind};
use crate::vocab::{vocab, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Port,
    /// An author's placeholder ("xxx", "?"): fills whatever non-text column comes next.
    Placeholder,
    Dash,
    Transport,
    Direction,
    Short,
    Long,
}

fn shape(cell: &str, has_transport_col: bool, classifier: &dyn CellClassifier) -> Shape {
    let v = vocab();
    match classifier.kind(cell) {
        CellKind::Port => return Shape::Port,
        CellKind::Placeholder => return Shape::Placeholder,
        CellKind::NoPort if cell.chars().count() <= 3 => return Shape::Dash,
        _ => {}
    }
    let words = cell.split_whitespace().count();
    if has_transport_col
        && words <= 3
        && cell
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .all(|t| v.transport_word(t).is_some())
    {
        return Shape::Transport;
    }
    if v.leading_direction(cell).is_some() {
        return Shape::Direction;
    }
    if words > 10 || cell.chars().count() > 80 {
        Shape::Long
    } else {
        Shape::Short
    }
}

fn accepts(role: Option<Role>, s: Shape) -> bool {
    match role {
        Some(Role::LocalPort | Role::RemotePort | Role::Port | Role::PortEnd) => {
            matches!(s, Shape::Port | Shape::Placeholder)
        }
        Some(Role::Transport | Role::LocalTransport | Role::RemoteTransport) => {
            matches!(s, Shape::Transport | Shape::Placeholder)
        }
        Some(Role::Direction) => matches!(s, Shape::Direction | Shape::Placeholder),
        Some(Role::Listener | Role::Remote | Role::Host | Role::Source | Role::Destination) => {
            matches!(s, Shape::Short)
        }
        Some(Role::Notes | Role::Purpose) | None => {
            matches!(s, Shape::Short | Shape::Long | Shape::Direction)
        }
        Some(Role::Ignore) => false,
    }
}

/// Rebuilds rows (each `roles.len()` wide) from a flat run of cells.
pub fn rebuild_rows(
    roles: &[Option<Role>],
    cells: &[String],
    continuation: bool,
    classifier: &dyn CellClassifier,
) -> Vec<Vec<String>> {
    let width = roles.len();
    let has_transport_col = roles.iter().flatten().any(|r| r.is_transport());
    // merge label-only cells ("Side A:") into the cell after them
    let mut merged: Vec<String> = Vec::new();
    let mut carry = String::new();
    for c in cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if c.ends_with(':')
            && c.split_whitespace().count() <= 3
            && !c.chars().any(|x| x.is_ascii_digit())
        {
            carry.push_str(c);
            carry.push(' ');
            continue;
        }
        merged.push(format!("{carry}{c}"));
        carry.clear();
    }
    let shapes: Vec<Shape> = merged
        .iter()
        .map(|c| shape(c, has_transport_col, classifier))
        .collect();
    // a text cell starts a row when a port cell follows it directly
    let port_soon =
        |from: usize| matches!(shapes.get(from), Some(Shape::Port | Shape::Placeholder));
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut col: Option<usize> = None; // last filled column of the current row
    for (idx, cell) in merged.iter().enumerate() {
        let s = shapes[idx];
        let from = col.map_or(0, |c| c + 1);
        let target = if s == Shape::Dash {
            (from < width).then_some(from)
        } else {
            (from..width).find(|&c| accepts(roles[c], s))
        };
        match (target, col) {
            (Some(t), Some(_)) => {
                rows.last_mut().unwrap()[t] = cell.clone();
                col = Some(t);
            }
            (_, prev) => {
                // no room to the right: continue the last text cell, or start a new row
                if let (Some(p), true) = (prev, continuation) {
                    if !matches!(s, Shape::Port | Shape::Placeholder)
                        && !port_soon(idx + 1)
                        && accepts(roles[p], Shape::Long)
                    {
                        let last = rows.last_mut().unwrap();
                        last[p].push(' ');
                        last[p].push_str(cell);
                        continue;
                    }
                }
                let start = if s == Shape::Dash {
                    Some(0)
                } else {
                    (0..width).find(|&c| accepts(roles[c], s))
                };
                let Some(t) = start else { continue };
                let mut row = vec![String::new(); width];
                row[t] = cell.clone();
                rows.push(row);
                col = Some(t);
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(h: &[&str]) -> Vec<Option<Role>> {
        h.iter().map(|x| vocab().header_role(x)).collect()
    }

    #[test]
    fn cell_per_line_with_dropped_empty_cells() {
        let r = roles(&[
            "Listener (Process or Application Protocol)",
            "Listener Protocol and Port",
            "Destination Port",
            "Remote Device (Process or Application Protocol)",
            "Remote Protocol and Port",
            "Traffic Direction",
            "Purpose",
        ]);
        let cells: Vec<String> = [
            "Email notifications",
            "25",
            "Outward, from Customer Collaboration Platform to the configured email server.",
            "Customer Collaboration Platform communicates with the configured email server.",
            "HTTP",
            "80",
            "Bidirectional",
            "Used for unsecure (HTTP) traffic:",
            "• From the user interface (browser) or APIs to the server.",
            "• From the server to the internet.",
            "HTTPS",
            "Port 443",
            "Bidirectional",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows = rebuild_rows(&r, &cells, true, &crate::understand::Grammar);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][0], "Email notifications");
        assert_eq!(rows[0][1], "25");
        assert!(rows[0][5].starts_with("Outward"));
        assert_eq!(rows[1][1], "80");
        assert!(rows[1][6].contains("From the server to the internet"));
        assert_eq!(rows[2][1], "Port 443");
    }

    #[test]
    fn broken_pipe_rows_with_continuations() {
        let r = roles(&["Process", "Port", "Transport", "Direction", "Description"]);
        let cells: Vec<String> = [
            "API Server",
            "5620",
            "TCP",
            "Inbound",
            "Listener for connections",
            "5621",
            "TCP",
            "Inbound",
            "Listener for events",
            "",
            "1433",
            "TCP",
            "Outbound",
            "SQL Connection",
            "",
            "Archiver",
            "445",
            "TCP",
            "Outbound",
            "CIFS file operations",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows = rebuild_rows(&r, &cells, false, &crate::understand::Grammar);
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[1],
            vec!["", "5621", "TCP", "Inbound", "Listener for events"]
        );
        assert_eq!(rows[3][0], "Archiver");
    }
}
