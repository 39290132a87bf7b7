//! Page layout: which lines form tables and which are headings, captions, notes and paragraphs.
//!
//! Ruled tables come from clusters of ruling lines (vertical rules give the columns, horizontal
//! rules the rows). Unruled tables are runs of multi-column lines; their columns are the gutters
//! no word crosses in any line of the run, and their rows are told apart by the larger gap
//! between rows than between the lines of one cell, so a multi-line cell stays one cell and an
//! empty cell stays empty.

use super::glyphs::Rule;
use super::lines::{needs_space, Line, Word};
use crate::decode::text::{is_caption, note_marker};
use crate::vocab::vocab;

/// A table found on a page: cells by row and column, with the page-space box.
#[derive(Debug, Clone)]
pub struct PageTable {
    pub rows: Vec<Vec<String>>,
    /// Column edges (left edge of each column, then the right edge of the last).
    pub cols: Vec<f64>,
    pub x0: f64,
    pub x1: f64,
    pub top: f64,
    pub bottom: f64,
    pub caption: Option<String>,
    /// The lines it was built from, when it has no row rules (to lay it out again with the
    /// columns of the page before, when it continues a table).
    pub lines: Vec<Line>,
    /// Its last row has no rule under it: the page broke the row.
    pub open_bottom: bool,
}

impl PageTable {
    /// Lays the table out again on other column edges.
    pub fn regrid(&mut self, cols: &[f64], body: f64) {
        if self.lines.is_empty() || cols.len() < 3 {
            return;
        }
        let refs: Vec<&Line> = self.lines.iter().collect();
        self.rows = grid(&refs, cols, None, body)
            .into_iter()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .collect();
        self.cols = cols.to_vec();
    }
}

#[derive(Debug, Clone)]
pub enum Item {
    Heading(String),
    Caption(String),
    Note(String),
    Paragraph(String),
    Table(PageTable),
}

/// An item with where it sits on the page, for ordering.
#[derive(Debug, Clone)]
pub struct Placed {
    pub top: f64,
    pub x0: f64,
    pub x1: f64,
    /// Lines of flow text it holds (0 for tables).
    pub lines: usize,
    pub item: Item,
}

fn dedup_sorted(mut v: Vec<f64>, tol: f64) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for x in v {
        match out.last_mut() {
            Some(l) if x - *l <= tol => {}
            _ => out.push(x),
        }
    }
    out
}

/// Clusters of rules that touch each other: each is one ruled table (or a box).
fn rule_clusters(rules: &[Rule]) -> Vec<Vec<Rule>> {
    let n = rules.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let tol = 2.0;
    // sort by x0 to prune the pair scan
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| rules[*a].x0.total_cmp(&rules[*b].x0));
    for (oi, &i) in order.iter().enumerate() {
        let a = rules[i];
        for &j in &order[oi + 1..] {
            let b = rules[j];
            if b.x0 > a.x1 + tol {
                break;
            }
            if b.y0 <= a.y1 + tol && a.y0 <= b.y1 + tol {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                if ri != rj {
                    parent[ri] = rj;
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<Rule>> = Default::default();
    for (i, rule) in rules.iter().enumerate() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(*rule);
    }
    groups.into_values().collect()
}

struct Region {
    x0: f64,
    x1: f64,
    top: f64,
    bottom: f64,
    cols: Option<Vec<f64>>,
    rows: Option<Vec<f64>>,
    /// The horizontal rules, to tell which cells span rows (no rule between them).
    hrules: Vec<Rule>,
    /// No rule closes the last row: the page broke it.
    open_bottom: bool,
}

fn ruled_regions(rules: &[Rule]) -> Vec<Region> {
    let mut out = Vec::new();
    for c in rule_clusters(rules) {
        let x0 = c.iter().map(|r| r.x0).fold(f64::INFINITY, f64::min);
        let x1 = c.iter().map(|r| r.x1).fold(f64::NEG_INFINITY, f64::max);
        let top = c.iter().map(|r| r.y0).fold(f64::INFINITY, f64::min);
        let bottom = c.iter().map(|r| r.y1).fold(f64::NEG_INFINITY, f64::max);
        let vx = dedup_sorted(
            c.iter()
                .filter(|r| r.vertical())
                .map(|r| (r.x0 + r.x1) / 2.0)
                .collect(),
            2.0,
        );
        // row separators: horizontal rules spanning most of the table (cell-level rules of a
        // collapsed-border table each span one cell, so they are pooled by their y)
        let last_rule = c
            .iter()
            .filter(|r| r.horizontal())
            .map(|r| (r.y0 + r.y1) / 2.0)
            .fold(f64::NEG_INFINITY, f64::max);
        let open_bottom = vx.len() >= 3 && last_rule < bottom - 2.0;
        // the cluster's own top and bottom close it where the page broke a row, which then
        // has no rule under it (LibreOffice leaves it open)
        let hy = dedup_sorted(
            c.iter()
                .filter(|r| r.horizontal())
                .map(|r| (r.y0 + r.y1) / 2.0)
                .chain(
                    (vx.len() >= 3)
                        .then_some([top, bottom])
                        .into_iter()
                        .flatten(),
                )
                .collect(),
            2.0,
        );
        if hy.len() < 2 || x1 - x0 < 30.0 || bottom - top < 8.0 {
            continue;
        }
        let cols = (vx.len() >= 3).then_some(vx);
        out.push(Region {
            x0,
            x1,
            top,
            bottom,
            cols,
            rows: Some(hy),
            hrules: c.iter().filter(|r| r.horizontal()).copied().collect(),
            open_bottom,
        });
    }
    out
}

/// Lines cut where they leave a ruled region: two ruled tables side by side share baselines,
/// so one line of the page holds a row of each; each part goes to its own table. A word
/// belongs to the region its centre is in.
fn cut_at_regions<'a>(lines: &'a [Line], regions: &[Region]) -> std::borrow::Cow<'a, [Line]> {
    let region_of = |l: &Line, w: &Word| {
        let (mid, c) = (l.y - 0.3 * l.size, (w.x0 + w.x1) / 2.0);
        regions
            .iter()
            .position(|r| mid > r.top && mid < r.bottom && c >= r.x0 - 2.0 && c <= r.x1 + 2.0)
    };
    let whole = |l: &Line| {
        let first = l.words.first().map(|w| region_of(l, w));
        l.words.iter().all(|w| Some(region_of(l, w)) == first)
    };
    if regions.is_empty() || lines.iter().all(whole) {
        return std::borrow::Cow::Borrowed(lines);
    }
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        let first = l.words.first().map(|w| region_of(l, w));
        if l.words.iter().all(|w| Some(region_of(l, w)) == first) {
            out.push(l.clone());
            continue;
        }
        let mut part: Vec<Word> = Vec::new();
        let mut at = first.flatten();
        let mut flush = |part: &mut Vec<Word>| {
            if !part.is_empty() {
                let words = std::mem::take(part);
                out.push(Line {
                    y: l.y,
                    size: l.size,
                    x0: words[0].x0,
                    x1: words[words.len() - 1].x1,
                    words,
                });
            }
        };
        for w in &l.words {
            let r = region_of(l, w);
            if r != at {
                flush(&mut part);
                at = r;
            }
            part.push(w.clone());
        }
        flush(&mut part);
    }
    std::borrow::Cow::Owned(out)
}

/// Whether a word runs across x: through it, not ending or starting there, and with no glyph
/// boundary there (CJK cells filled to their edges touch without a gap).
fn runs_across(w: &Word, x: f64) -> bool {
    w.x0 < x - 1.0 && w.x1 > x + 1.0 && !w.breaks_near(x, 1.5)
}

/// How many of `lines` have a word that runs across x.
fn lines_across(lines: &[&Line], x: f64) -> usize {
    lines
        .iter()
        .filter(|l| l.words.iter().any(|w| runs_across(w, x)))
        .count()
}

/// Column boundaries of a run of lines. Two signals: left edges where many lines start a word
/// at the same x (cells are mostly left-aligned, and the gutter between columns can be
/// narrower than a space when cells have no padding), and gutters that no word crosses in any
/// line (centred or right-aligned columns). An edge that words run across is not an edge.
fn columns(lines: &[&Line], x0: f64, x1: f64, body: f64) -> Vec<f64> {
    let mut starts: Vec<(f64, usize)> = Vec::new(); // (x, lines starting a word there)
                                                    // left edges are counted on the body: header cells are often centred, and their words
                                                    // line up by chance; the body starts at the first line with a number in it
    let first_data = lines
        .iter()
        .position(|l| {
            l.words
                .iter()
                .any(|w| w.text.chars().any(|c| c.is_ascii_digit()))
        })
        .unwrap_or(0);
    let mut xs: Vec<(f64, usize)> = lines
        .iter()
        .enumerate()
        .skip(first_data)
        .flat_map(|(i, l)| l.words.iter().map(move |w| (w.x0, i)))
        .collect();
    xs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut k = 0;
    while k < xs.len() {
        let mut j = k;
        let mut ls: Vec<usize> = Vec::new();
        while j < xs.len() && xs[j].0 - xs[k].0 <= 1.5 {
            ls.push(xs[j].1);
            j += 1;
        }
        ls.sort_unstable();
        ls.dedup();
        starts.push((xs[k].0, ls.len()));
        k = j;
    }
    let multis = lines
        .iter()
        .filter(|l| l.chunks(body, &[]).len() >= 2)
        .count();
    let need = 2.max(multis / 4);
    // (on the body: header cells filled to their edges run into each other)
    let crossed = |x: f64| lines_across(&lines[first_data..], x);
    // words that start at x only one space after the word before them are the second word of
    // a cell ("TCP 9443" in every row), not a column
    let spaced = |x: f64| {
        let (mut close, mut far) = (0, 0);
        for l in lines {
            for (k, w) in l.words.iter().enumerate() {
                // a line that starts there (a wrapped cell's next line) counts as spaced
                if (w.x0 - x).abs() <= 1.5 {
                    if k > 0 && w.x0 - l.words[k - 1].x1 < 0.5 * body {
                        close += 1;
                    } else {
                        far += 1;
                    }
                }
            }
        }
        close <= far
    };
    // a header word that starts where a body line starts a word, with no word of the header
    // or the body across: a column of short cells in a table of long ones (one "Bidirectional"
    // per row next to notes of ten lines), or a table of one row, too few to count on their own
    let head = &lines[..first_data];
    let anchored = |x: f64, n: usize| {
        n >= 1
            && crossed(x) == 0
            && head
                .iter()
                .any(|l| l.words.iter().any(|w| (w.x0 - x).abs() <= 1.5))
            && !head
                .iter()
                .any(|l| l.words.iter().any(|w| w.x0 < x - 1.0 && w.x1 > x + 1.0))
    };
    // a column by its content: in two body lines or more a cell of a typed kind starts there
    // (a port spec, "TCP 7443", "8445"; a dash standing for an empty cell) after a word that is
    // not one, and no word runs across; cells without padding put it a word space after the
    // cell before it ("BOSH (HTTPS) TCP 7443", "Browser, agent —")
    let transport = |t: &str| vocab().is_explicit_transport(t.trim_end_matches([',', ':', '/']));
    let dash = |t: &str| matches!(t, "—" | "–" | "-");
    // whether `t` starts a typed cell after the word `before` (not "80" in "TCP 80" or
    // "80, 8082", not the second of two dashes)
    let starts_typed = |t: &str, before: Option<&str>| {
        let listed = before.is_some_and(|b| b.ends_with([',', '/', '-', '–']));
        if transport(t) {
            !listed
        } else if t.starts_with(|c: char| c.is_ascii_digit()) {
            !listed && !before.is_some_and(transport)
        } else {
            dash(t) && !before.is_some_and(dash)
        }
    };
    let typed = |x: f64| {
        lines[first_data..]
            .iter()
            .filter(|l| {
                l.words.iter().enumerate().any(|(k, w)| {
                    (w.x0 - x).abs() <= 1.5
                        && starts_typed(&w.text, k.checked_sub(1).map(|j| l.words[j].text.as_str()))
                })
            })
            .count()
            >= 2
            && crossed(x) == 0
    };
    let mut edges: Vec<f64> = starts
        .iter()
        .filter(|(x, n)| {
            *x > x0 + 2.0
                && (typed(*x)
                    || ((*n >= need || anchored(*x, *n)) && crossed(*x) <= 1 && spaced(*x)))
        })
        .map(|(x, _)| x - 0.5)
        .collect();
    // the body without its section rows ("CTI Server settings (Side A and B)": one cell
    // across the columns, alone on its band of the page)
    let plain: Vec<&Line> = lines[first_data..]
        .iter()
        .copied()
        .filter(|l| !section_row(l, &lines[first_data..], body))
        .collect();
    let crossed_plain = |x: f64| lines_across(&plain, x) > 0;
    // left edges of a header whose cells are set flush left, several lines each: where three
    // header lines or more start a word, and no word of the header or the body runs across
    // (columns without padding, whose gutters are narrower than a word space; the columns
    // under them may be empty in every row)
    if first_data > 0 {
        // (a section row before the first number is not header either)
        let head: Vec<&Line> = head
            .iter()
            .copied()
            .filter(|l| !section_row(l, lines, body))
            .collect();
        let mut hx: Vec<f64> = head
            .iter()
            .flat_map(|l| l.words.iter().map(|w| w.x0))
            .collect();
        hx.sort_by(f64::total_cmp);
        let mut k = 0;
        while k < hx.len() {
            let j = k + hx[k..].iter().take_while(|x| **x - hx[k] <= 1.5).count();
            let x = hx[k];
            let lines_there = head
                .iter()
                .filter(|l| l.words.iter().any(|w| (w.x0 - x).abs() <= 1.5))
                .count();
            let across_head = head
                .iter()
                .any(|l| l.words.iter().any(|w| w.x0 < x - 1.0 && w.x1 > x + 1.0));
            if lines_there >= 3
                && x > x0 + 2.0
                && !across_head
                && !crossed_plain(x)
                && !edges.iter().any(|e| (x - 0.5 - *e).abs() < 2.0)
            {
                edges.push(x - 0.5);
            }
            k = j;
        }
    }
    // gutters no word crosses (centred and right-aligned columns)
    let mut spans: Vec<(f64, f64)> = lines
        .iter()
        .flat_map(|l| l.words.iter().map(|w| (w.x0, w.x1)))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut reach = f64::NEG_INFINITY;
    for (a, b) in spans {
        if reach > f64::NEG_INFINITY && a - reach >= 0.45 * body {
            let g = (reach + a) / 2.0;
            // the same boundary as a left edge already found: keep the left edge
            if !edges.iter().any(|e| (a - 0.5 - *e).abs() < 2.0) {
                edges.push(g);
            }
        }
        reach = reach.max(b);
    }
    // a column empty in every body row shows only in the header: a gap between header cells
    // inside one body column, with the body all on one side of it, and not a word space on a
    // header line (the header cells sit on their own baselines, or further apart)
    if first_data > 0 {
        let head = &lines[..first_data];
        // section rows say nothing about where the columns are
        let body_lines = &plain;
        let mut spans: Vec<(f64, f64)> = head
            .iter()
            .flat_map(|l| l.words.iter().map(|w| (w.x0, w.x1)))
            .collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut hreach = f64::NEG_INFINITY;
        let mut found = Vec::new();
        for (a, b) in spans {
            if hreach > f64::NEG_INFINITY && a - hreach >= 0.25 * body {
                let g = (hreach + a) / 2.0;
                let known = edges.iter().any(|e| *e >= hreach - 1.0 && *e <= a + 1.0);
                let lo = edges.iter().copied().filter(|e| *e < g).fold(x0, f64::max);
                let hi = edges
                    .iter()
                    .copied()
                    .filter(|e| *e > g)
                    .fold(f64::INFINITY, f64::min);
                let body_in = |from: f64, to: f64| {
                    body_lines.iter().any(|l| {
                        l.words.iter().any(|w| {
                            let c = (w.x0 + w.x1) / 2.0;
                            c >= from && c < to
                        })
                    })
                };
                let crosses = body_lines
                    .iter()
                    .any(|l| l.words.iter().any(|w| w.x0 < hreach && w.x1 > a));
                let word_space = head.iter().any(|l| {
                    l.words
                        .windows(2)
                        .any(|w| w[0].x1 <= g && w[1].x0 >= g && w[1].x0 - w[0].x1 < 0.5 * body)
                });
                if !known && !crosses && !word_space && (!body_in(lo, g) || !body_in(g, hi)) {
                    found.push(g);
                }
            }
            hreach = hreach.max(b);
        }
        edges.extend(found);
    }
    edges.sort_by(f64::total_cmp);
    let mut out = vec![x0];
    out.extend(edges);
    out.push(x1.max(reach) + 1.0);
    // a first column that only section rows reach (they start left of the first header cell)
    // is not a column
    while out.len() > 2 {
        let mut reached = lines
            .iter()
            .filter(|l| !l.text_between(out[0], out[1]).is_empty())
            .peekable();
        if reached.peek().is_some() && reached.all(|l| section_row(l, lines, body)) {
            out.remove(1);
        } else {
            break;
        }
    }
    out
}

/// A line that is a row of its own across the columns: one chunk of words without a digit,
/// with no other line within a line pitch above or below it.
fn section_row(l: &Line, lines: &[&Line], body: f64) -> bool {
    l.chunks(body, &[]).len() == 1
        && !l.text().chars().any(|c| c.is_ascii_digit())
        && !lines
            .iter()
            .any(|o| !std::ptr::eq(*o, l) && (o.y - l.y).abs() < 1.2 * body)
}

/// Rows of a run of lines without row rules. In each column, lines closer than the line pitch
/// are one cell; a row is a stretch of the page covered by overlapping cells. So a multi-line
/// cell stays one cell, and a cell centred vertically next to it falls into its row.
fn row_groups<'a>(
    lines: &[&'a Line],
    cols: &[f64],
    body: f64,
    section_set: &std::collections::HashSet<*const Line>,
) -> Vec<Vec<&'a Line>> {
    let ncols = cols.len().saturating_sub(1).max(1);
    let in_col = |l: &Line, c: usize| !l.text_between(cols[c], cols[c + 1]).is_empty();
    // the line pitch inside a cell: the smallest gap between lines of one column
    let mut pitch = f64::INFINITY;
    for c in 0..ncols {
        let ys: Vec<f64> = lines.iter().filter(|l| in_col(l, c)).map(|l| l.y).collect();
        for w in ys.windows(2) {
            let g = w[1] - w[0];
            if g >= 0.9 * body {
                pitch = pitch.min(g);
            }
        }
    }
    if !pitch.is_finite() {
        pitch = 1.2 * body;
    }
    let mut spans: Vec<(f64, f64)> = Vec::new();
    // a section row (starting in the first column, running on across the next) is a row of
    // its own, however close the cell above it ends
    let sections: Vec<bool> = lines
        .iter()
        .map(|l| {
            ncols > 1
                && l.x0 < cols[1]
                && l.x1 > cols[1]
                && section_set.contains(&(*l as *const Line))
        })
        .collect();
    for c in 0..ncols {
        let mut block: Option<(f64, f64)> = None;
        let mut after_section = false;
        for (i, l) in lines.iter().enumerate().filter(|(_, l)| in_col(l, c)) {
            let (top, bottom) = (l.y - 0.75 * l.size, l.y + 0.2 * l.size);
            let apart = std::mem::replace(&mut after_section, sections[i]) || sections[i];
            block = match block {
                Some((t, b)) if !apart && l.y - (b - 0.2 * l.size) <= pitch * 1.12 => {
                    Some((t, bottom))
                }
                Some(done) => {
                    spans.push(done);
                    Some((top, bottom))
                }
                None => Some((top, bottom)),
            };
        }
        if let Some(b) = block {
            spans.push(b);
        }
    }
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rows: Vec<(f64, f64)> = Vec::new();
    for (t, b) in spans {
        match rows.last_mut() {
            Some(r) if t <= r.1 => r.1 = r.1.max(b),
            _ => rows.push((t, b)),
        }
    }
    let filled = |l: &Line| (0..ncols).filter(|&c| in_col(l, c)).count();
    let mut out = Vec::new();
    for (t, b) in &rows {
        let group: Vec<&Line> = lines
            .iter()
            .copied()
            .filter(|l| l.y >= *t && l.y <= *b)
            .collect();
        // single-line rows set at the line pitch (no padding) touch each other: split them
        // when the lines sit on the pitch (no cell centred between them) and each line fills
        // half the columns or more (a wrapped header fills a few per line)
        let on_pitch = group.windows(2).all(|w| w[1].y - w[0].y >= 0.9 * pitch);
        let anchors: Vec<usize> = (0..group.len())
            .filter(|&i| filled(group[i]) >= 2.max(ncols.div_ceil(2)))
            .collect();
        if anchors.len() < 2 || !on_pitch {
            if !group.is_empty() {
                out.push(group);
            }
            continue;
        }
        // a line that fills fewer columns belongs to the nearest full line (the one above
        // when both are as near)
        let mut split: Vec<Vec<&Line>> = anchors.iter().map(|&a| vec![group[a]]).collect();
        for (i, l) in group.iter().enumerate() {
            if anchors.contains(&i) {
                continue;
            }
            let nearest = (0..anchors.len())
                .min_by(|&a, &b| {
                    let da = (group[anchors[a]].y - l.y).abs();
                    let db = (group[anchors[b]].y - l.y).abs();
                    da.total_cmp(&db).then(a.cmp(&b))
                })
                .expect("anchors");
            split[nearest].push(l);
        }
        for mut g in split {
            g.sort_by(|a, b| a.y.total_cmp(&b.y));
            out.push(g);
        }
    }
    let out: Vec<Vec<&Line>> = out
        .into_iter()
        .flat_map(|g| split_at_first_cells(g, &in_col, ncols, pitch))
        .collect();
    join_stray_cells(out, |l, c| in_col(l, c), ncols, pitch)
}

/// Rows whose cells are centred vertically with no padding between them run into each other;
/// the first column still shows them apart: one cell per row there, its blocks separated by
/// more than a line pitch. Such a row is cut where the lines between two blocks of the first
/// column are furthest apart, when that gap is a line pitch or more and both parts fill two
/// columns or more.
fn split_at_first_cells<'a>(
    g: Vec<&'a Line>,
    in_col: &impl Fn(&Line, usize) -> bool,
    ncols: usize,
    pitch: f64,
) -> Vec<Vec<&'a Line>> {
    if ncols < 2 {
        return vec![g];
    }
    let firsts: Vec<usize> = (0..g.len()).filter(|&i| in_col(g[i], 0)).collect();
    // where a new block of the first column starts
    let starts: Vec<usize> = firsts
        .windows(2)
        .filter(|w| g[w[1]].y - g[w[0]].y > 1.12 * pitch)
        .map(|w| w[1])
        .collect();
    let filled = |part: &[&Line]| {
        (0..ncols)
            .filter(|&c| part.iter().any(|l| in_col(l, c)))
            .count()
    };
    let mut out = Vec::new();
    let mut from = 0;
    for s in starts {
        // the widest gap between the previous block of the first column and this one
        let prev = firsts
            .iter()
            .copied()
            .filter(|&i| i < s)
            .max()
            .unwrap_or(from);
        let Some(cut) = (prev + 1..=s).filter(|&i| i > from).max_by(|&a, &b| {
            let (ga, gb) = (g[a].y - g[a - 1].y, g[b].y - g[b - 1].y);
            ga.total_cmp(&gb).then(b.cmp(&a))
        }) else {
            continue;
        };
        if g[cut].y - g[cut - 1].y >= 0.95 * pitch
            && filled(&g[from..cut]) >= 2
            && filled(&g[cut..]) >= 2
        {
            out.push(g[from..cut].to_vec());
            from = cut;
        }
    }
    out.push(g[from..].to_vec());
    out
}

/// A row that holds one cell in a column other than the first ("Side A:" a little above
/// "TCP 42027", its cell's lines spread wider than the pitch) is part of the nearer row above
/// or below it, when that one is less than 1.5 line pitches away. The first two rows (a header,
/// and a cell continued from the previous page under it) are never joined.
fn join_stray_cells(
    mut rows: Vec<Vec<&Line>>,
    in_col: impl Fn(&Line, usize) -> bool,
    ncols: usize,
    pitch: f64,
) -> Vec<Vec<&Line>> {
    let stray = |g: &[&Line]| {
        let cols: Vec<usize> = (0..ncols)
            .filter(|&c| g.iter().any(|l| in_col(l, c)))
            .collect();
        cols.len() == 1 && cols[0] > 0
    };
    let mut i = 0;
    while i < rows.len() {
        // the first rows stay: the header, and a cell continued from the previous page
        if i < 2 || !stray(&rows[i]) {
            i += 1;
            continue;
        }
        let (top, bottom) = (rows[i][0].y, rows[i][rows[i].len() - 1].y);
        let up = (i > 0).then(|| top - rows[i - 1][rows[i - 1].len() - 1].y);
        let down = rows.get(i + 1).map(|r| r[0].y - bottom);
        let target = match (up, down) {
            (Some(u), Some(d)) if d < u => Some((i + 1, d)),
            (Some(u), _) => Some((i - 1, u)),
            (None, Some(d)) => Some((i + 1, d)),
            (None, None) => None,
        };
        match target {
            Some((t, gap)) if gap < 1.5 * pitch => {
                let g = rows.remove(i);
                let t = if t > i { t - 1 } else { t };
                rows[t].extend(g);
                rows[t].sort_by(|a, b| a.y.total_cmp(&b.y));
                i = t.max(i.saturating_sub(1));
            }
            _ => i += 1,
        }
    }
    rows
}

/// The column a line starts in, when one of its words runs across a column edge with no glyph
/// boundary there (text spanning columns, not two cells touching).
fn spanning(l: &Line, cols: &[f64]) -> Option<usize> {
    let inner = &cols[1..cols.len().saturating_sub(1)];
    let crosses = l
        .words
        .iter()
        .any(|w| inner.iter().any(|&e| runs_across(w, e)));
    crosses.then(|| cols.windows(2).position(|w| l.x0 < w[1]).unwrap_or(0))
}

/// The lines between each two row edges (by the middle of their x-height), one band per pair.
fn bands<'a>(lines: &[&'a Line], edges: &[f64]) -> Vec<Vec<&'a Line>> {
    edges
        .windows(2)
        .map(|w| {
            lines
                .iter()
                .copied()
                .filter(|l| l.y - 0.3 * l.size >= w[0] && l.y - 0.3 * l.size < w[1])
                .collect()
        })
        .collect()
}

/// Cells of a table ruled both ways. A cell that spans rows has no rule across its column
/// between them: its text (set in whichever row the producer centred it) goes into every row
/// it spans, as an HTML reader expands a rowspan.
fn ruled_grid(
    lines: &[&Line],
    cols: &[f64],
    edges: &[f64],
    hrules: &[Rule],
    body: f64,
) -> Vec<Vec<String>> {
    let ncols = cols.len().saturating_sub(1).max(1);
    let bands = bands(lines, edges);
    let sections = section_rows(lines, body);
    let mut cells: Vec<Vec<String>> = bands
        .iter()
        .map(|g| row_cells(g, &sections, cols))
        .collect();
    // ruled across column c at edge y
    let ruled = |c: usize, y: f64| {
        let mid = (cols[c] + cols[c + 1]) / 2.0;
        hrules
            .iter()
            .any(|r| (r.y0 - y).abs() <= 2.0 && r.x0 <= mid && r.x1 >= mid)
    };
    for c in 0..ncols {
        let mut start = 0;
        for k in 1..=bands.len() {
            let joined = k < bands.len() && !ruled(c, edges[k]);
            if joined {
                continue;
            }
            // bands start..k are one cell in column c; a cell spanning the first rows is a
            // header cell over a header of two rows, named once
            if k - start > 1 && start > 0 {
                let text = (start..k)
                    .map(|b| cells[b][c].clone())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                for row in &mut cells[start..k] {
                    row[c] = text.clone();
                }
            }
            start = k;
        }
    }
    cells
        .into_iter()
        .filter(|r| r.iter().any(|c| !c.is_empty()))
        .collect()
}

/// Cells of a run of lines, given column edges and, for ruled tables, row edges.
fn grid(lines: &[&Line], cols: &[f64], rows: Option<&[f64]>, body: f64) -> Vec<Vec<String>> {
    let sections = section_rows(lines, body);
    let groups: Vec<Vec<&Line>> = match rows {
        Some(edges) if edges.len() >= 2 => bands(lines, edges)
            .into_iter()
            .filter(|g| !g.is_empty())
            .collect(),
        _ => {
            let groups = row_groups(lines, cols, body, &sections);
            let cells: Vec<Vec<String>> = groups
                .iter()
                .map(|g| row_cells(g, &sections, cols))
                .collect();
            let extents: Vec<(f64, f64)> =
                groups.iter().map(|g| (g[0].y, g[g.len() - 1].y)).collect();
            return spread_centred_first_cells(cells, extents);
        }
    };
    groups
        .into_iter()
        .map(|g| row_cells(&g, &sections, cols))
        .collect()
}

/// A first cell centred vertically over the rows it spans (an HTML rowspan, printed without
/// rules) is a row of its own between rows whose first cells are empty: "SIP proxy" halfway
/// down three rows of ports. When rows with an empty first cell lie both above and below it
/// (all of them next to it), it is their first cell, and no row of its own.
fn spread_centred_first_cells(
    mut cells: Vec<Vec<String>>,
    mut extents: Vec<(f64, f64)>,
) -> Vec<Vec<String>> {
    let alone = |r: &[String]| !r[0].is_empty() && r[1..].iter().all(String::is_empty);
    let headless = |r: &[String]| r[0].is_empty() && r[1..].iter().any(|c| !c.is_empty());
    let mut i = 1;
    while i + 1 < cells.len() {
        if cells[i].len() < 2 || !alone(&cells[i]) {
            i += 1;
            continue;
        }
        let mut top = i;
        while top > 0 && headless(&cells[top - 1]) {
            top -= 1;
        }
        let mut bottom = i;
        while bottom + 1 < cells.len() && headless(&cells[bottom + 1]) {
            bottom += 1;
        }
        let (y0, y1) = (extents[top].0, extents[bottom].1);
        let (m0, m1) = extents[i];
        // centred: as far from the top of the span as from its bottom, within a quarter of it
        let off = ((m0 + m1) / 2.0 - (y0 + y1) / 2.0).abs();
        if top == i || bottom == i || off > (y1 - y0) / 4.0 {
            i += 1;
            continue;
        }
        let name = cells[i][0].clone();
        for r in (top..=bottom).filter(|&r| r != i) {
            cells[r][0] = name.clone();
        }
        cells.remove(i);
        extents.remove(i);
    }
    cells
}

/// The cells of one row: its lines' text cut at the column edges.
/// Which of `lines` are section rows, by address (each line is asked once per cell otherwise,
/// and the question scans every line of the table).
fn section_rows(lines: &[&Line], body: f64) -> std::collections::HashSet<*const Line> {
    lines
        .iter()
        .filter(|l| section_row(l, lines, body))
        .map(|l| *l as *const Line)
        .collect()
}

fn row_cells(
    g: &[&Line],
    sections: &std::collections::HashSet<*const Line>,
    cols: &[f64],
) -> Vec<String> {
    let ncols = cols.len().saturating_sub(1).max(1);
    (0..ncols)
        .map(|c| {
            // text that overflows the table's outer edges is the edge columns' (a long word
            // runs past the last border)
            let a = if c == 0 { f64::NEG_INFINITY } else { cols[c] };
            let b = if c + 1 == ncols {
                f64::INFINITY
            } else {
                cols[c + 1]
            };
            let mut cell = String::new();
            for l in g {
                let whole = spanning(l, cols).or_else(|| {
                    sections
                        .contains(&(*l as *const Line))
                        .then(|| cols.windows(2).position(|w| l.x0 < w[1]).unwrap_or(0))
                });
                let t = match whole {
                    // a line that runs across column edges (a section row, a cell
                    // spanning columns) belongs to the column it starts in
                    Some(first) if first == c => l.text(),
                    Some(_) => String::new(),
                    None => l.text_between(a, b),
                };
                if t.is_empty() {
                    continue;
                }
                if !cell.is_empty() && needs_space(&cell, &t) && !broken_word(&cell, &t) {
                    cell.push(' ');
                }
                cell.push_str(&t);
            }
            cell
        })
        .collect()
}

/// Whether the last word of `before` and the first of `after` are one word broken across the
/// lines of a narrow cell without a hyphen ("Bidirectio" / "nal"): together, and only together,
/// they are a word the vocabulary knows (a direction, a transport).
fn broken_word(before: &str, after: &str) -> bool {
    let (Some(a), Some(b)) = (
        before.split_whitespace().last(),
        after.split_whitespace().next(),
    ) else {
        return false;
    };
    let known = |w: &str| {
        let w = w.trim_end_matches([',', '.', ';', ':', ')']);
        vocab().direction(w).is_some() || vocab().transport_word(w).is_some()
    };
    // (the whole first: it is rarely a word, and each lookup normalizes its text)
    a.ends_with(char::is_alphabetic)
        && b.starts_with(char::is_lowercase)
        && known(&format!("{a}{b}"))
        && !known(a)
        && !known(b)
}

fn body_size(lines: &[Line]) -> f64 {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for l in lines {
        let k = (l.size * 2.0).round() as i64;
        let n = l
            .words
            .iter()
            .map(|w| w.text.chars().count())
            .sum::<usize>();
        match counts.iter_mut().find(|(s, _)| *s == k) {
            Some(e) => e.1 += n,
            None => counts.push((k, n)),
        }
    }
    counts
        .iter()
        .max_by_key(|(s, n)| (*n, -*s))
        .map(|(s, _)| *s as f64 / 2.0)
        .unwrap_or(10.0)
}

/// Lays out one page. `lines` are the page's lines without running headers and footers.
pub fn page_items(lines: &[Line], rules: &[Rule], page_width: f64, body: f64) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::new();
    let body = if body > 0.0 { body } else { body_size(lines) };
    let regions = ruled_regions(rules);
    let split = cut_at_regions(lines, &regions);
    let lines: &[Line] = &split;
    let mut used = vec![false; lines.len()];

    // ruled tables
    for r in regions {
        let inside: Vec<usize> = (0..lines.len())
            .filter(|&i| {
                let l = &lines[i];
                let mid = l.y - 0.3 * l.size;
                // (by the words' centres: a long word overflows its cell's border)
                let centre = |w: &Word| (w.x0 + w.x1) / 2.0;
                !used[i]
                    && mid > r.top
                    && mid < r.bottom
                    && l.words.first().is_some_and(|w| centre(w) >= r.x0 - 2.0)
                    && l.words.last().is_some_and(|w| centre(w) <= r.x1 + 2.0)
            })
            .collect();
        if inside.is_empty() {
            continue;
        }
        let ls: Vec<&Line> = inside.iter().map(|&i| &lines[i]).collect();
        let cols = match &r.cols {
            Some(c) => c.clone(),
            None => columns(&ls, r.x0, r.x1, body),
        };
        if cols.len() < 3 {
            continue;
        }
        let rows = match (&r.rows, r.cols.is_some()) {
            (Some(edges), true) => ruled_grid(&ls, &cols, edges, &r.hrules, body),
            _ => grid(&ls, &cols, r.rows.as_deref(), body),
        };
        for i in inside {
            used[i] = true;
        }
        placed.push(Placed {
            top: r.top,
            x0: r.x0,
            x1: r.x1,
            lines: 0,
            item: Item::Table(PageTable {
                rows,
                cols: cols.clone(),
                lines: Vec::new(),
                x0: r.x0,
                x1: r.x1,
                top: r.top,
                bottom: r.bottom,
                caption: None,
                open_bottom: r.open_bottom,
            }),
        });
    }

    // unruled tables: runs of lines with at least two chunks
    let free: Vec<usize> = (0..lines.len()).filter(|&i| !used[i]).collect();
    let chunk_gap = 1.0 * body;
    let page_left = lines.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
    let blocks_run = |l: &Line| {
        let t = l.text();
        // "Notes" alone far from the left margin is a header cell, not a note
        let note = match note_marker(&t) {
            Some(true) => l.x0 < page_left + 2.0 * body,
            Some(false) => true,
            None => false,
        };
        // a footnote definition ("¹Default port", "* Configurable") ends a table
        let footnote = t.starts_with(['¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹', '*', '†', '‡']);
        l.size > body * 1.15 || is_caption(&t) || note || footnote
    };
    // asked of each line many times as runs grow: once per line here
    let multis_at: Vec<bool> = lines
        .iter()
        .map(|l| l.chunks(chunk_gap, &[]).len() >= 2)
        .collect();
    let blockers_at: Vec<bool> = lines.iter().map(blocks_run).collect();
    let multi = |i: usize| multis_at[i];
    let blocker = |i: usize| blockers_at[i];
    let mut k = 0;
    while k < free.len() {
        let i = free[k];
        let l = &lines[i];
        if !multi(i) || blocker(i) {
            k += 1;
            continue;
        }
        let mut run = vec![i];
        // upwards: the first lines of cells centred vertically (a header whose short cells sit
        // lower than its wrapped ones), or the rest of a row broken at the page top
        let mut up = k;
        while up > 0 {
            let j = free[up - 1];
            let (n, first) = (&lines[j], &lines[run[0]]);
            // a header row can be taller than the rows below it
            let header_like = n
                .chunks(0.6 * body, &[])
                .iter()
                .filter(|c| vocab().header_role(&c.text).is_some())
                .count()
                >= 2;
            let reach = if header_like { 4.0 } else { 1.6 };
            if used[j]
                || blocker(j)
                || first.y - n.y > reach * body
                || (n.x1 - n.x0 > 0.6 * page_width && !multi(j))
            {
                break;
            }
            run.insert(0, j);
            up -= 1;
        }
        let mut m = k + 1;
        while m < free.len() {
            let j = free[m];
            let prev = &lines[*run.last().expect("a line")];
            let n = &lines[j];
            // a line that starts where a column of the run starts (not the first) may follow
            // a tall row's gap
            let left = lines[run[0]].x0.min(l.x0);
            let in_column = n.x0 > left + body
                && run
                    .iter()
                    .any(|&r| lines[r].words.iter().any(|w| (w.x0 - n.x0).abs() < 2.0));
            let limit = if in_column { 4.0 } else { 2.4 };
            if n.y - prev.y > limit * body || blocker(j) {
                break;
            }
            // a single-chunk line starting at the left edge that is as wide as a paragraph ends the run
            if !multi(j) && (n.x0 - left).abs() < 2.0 && n.x1 - n.x0 > 0.55 * page_width {
                break;
            }
            run.push(j);
            m += 1;
        }
        // trailing single-chunk lines at the left edge after a clear gap are prose
        while run.len() > 1 {
            let li = *run.last().expect("a line");
            let last = &lines[li];
            if multi(li) {
                break;
            }
            let prev = &lines[run[run.len() - 2]];
            if last.y - prev.y > 1.6 * body && (last.x0 - lines[run[0]].x0).abs() < 2.0 {
                run.pop();
            } else {
                break;
            }
        }
        let multis = run.iter().filter(|&&j| multi(j)).count();
        if multis < 2 {
            k += 1;
            continue;
        }
        let ls: Vec<&Line> = run.iter().map(|&j| &lines[j]).collect();
        let x0 = ls.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
        let x1 = ls.iter().map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max);
        let cols = columns(&ls, x0 - 1.0, x1, body);
        if cols.len() < 3 {
            k += 1;
            continue;
        }
        // side by side: a gutter much wider than the others splits the run into two tables
        let parts = split_side_by_side(&ls, &cols, body);
        for (px0, px1) in parts {
            let pls: Vec<&Line> = ls
                .iter()
                .filter_map(|l| {
                    let words: Vec<_> = l
                        .words
                        .iter()
                        .filter(|w| (w.x0 + w.x1) / 2.0 >= px0 && (w.x0 + w.x1) / 2.0 < px1)
                        .cloned()
                        .collect();
                    (!words.is_empty()).then(|| {
                        let b: &Line = l;
                        (b, words)
                    })
                })
                .map(|(l, _)| l)
                .collect();
            let pcols: Vec<f64> = cols
                .iter()
                .copied()
                .filter(|c| *c >= px0 - 0.5 && *c <= px1 + 0.5)
                .collect();
            let mut pcols = pcols;
            if pcols.first().is_none_or(|c| *c > px0 + 0.5) {
                pcols.insert(0, px0);
            }
            if pcols.last().is_none_or(|c| *c < px1 - 0.5) {
                pcols.push(px1);
            }
            let rows: Vec<Vec<String>> = grid(&pls, &pcols, None, body)
                .into_iter()
                .filter(|r| r.iter().any(|c| !c.is_empty()))
                .collect();
            let top = pls.first().map(|l| l.y - l.size).unwrap_or(0.0);
            let bottom = pls.last().map(|l| l.y).unwrap_or(0.0);
            placed.push(Placed {
                top,
                x0: px0,
                x1: px1,
                lines: 0,
                item: Item::Table(PageTable {
                    rows,
                    cols: pcols.clone(),
                    lines: pls.iter().map(|l| (*l).clone()).collect(),
                    x0: px0,
                    x1: px1,
                    top,
                    bottom,
                    caption: None,
                    open_bottom: false,
                }),
            });
        }
        for &j in &run {
            used[j] = true;
        }
        k = m;
    }

    // everything else is flow text: headings, captions, notes, paragraphs
    struct Para {
        top: f64,
        x0: f64,
        x1: f64,
        last_y: f64,
        text: String,
        note: bool,
        lines: usize,
    }
    let mut para: Option<Para> = None;
    let flush = |p: &mut Option<Para>, out: &mut Vec<Placed>| {
        if let Some(p) = p.take() {
            out.push(Placed {
                top: p.top,
                x0: p.x0,
                x1: p.x1,
                lines: p.lines,
                item: if p.note {
                    Item::Note(p.text)
                } else {
                    Item::Paragraph(p.text)
                },
            });
        }
    };
    for (i, l) in lines.iter().enumerate() {
        if used[i] {
            continue;
        }
        let t = l.text();
        let top = l.y - l.size;
        if l.size > body * 1.15 {
            flush(&mut para, &mut placed);
            match placed.last_mut() {
                Some(Placed {
                    item: Item::Heading(h),
                    top: ht,
                    ..
                }) if top - *ht < 3.0 * l.size => {
                    h.push(' ');
                    h.push_str(&t);
                }
                _ => placed.push(Placed {
                    top,
                    x0: l.x0,
                    x1: l.x1,
                    lines: 1,
                    item: Item::Heading(t),
                }),
            }
            continue;
        }
        // captions of two tables side by side share a line: one caption each
        let chunks = l.chunks(2.0 * body, &[]);
        if chunks.len() >= 2 && chunks.iter().all(|c| is_caption(&c.text)) {
            flush(&mut para, &mut placed);
            for c in chunks {
                placed.push(Placed {
                    top,
                    x0: c.x0,
                    x1: c.x1,
                    lines: 1,
                    item: Item::Caption(c.text),
                });
            }
            continue;
        }
        if is_caption(&t) {
            flush(&mut para, &mut placed);
            placed.push(Placed {
                top,
                x0: l.x0,
                x1: l.x1,
                lines: 1,
                item: Item::Caption(t),
            });
            continue;
        }
        let footnote_def = t
            .starts_with(|c: char| c.is_ascii_digit() || "¹²³⁴⁵⁶⁷⁸⁹*†‡".contains(c))
            && t.chars()
                .nth(1)
                .is_some_and(|c| c == ' ' || !c.is_ascii_digit())
            && l.size <= body;
        let starts_new = match &para {
            None => true,
            Some(p) => {
                l.y - p.last_y > 1.7 * l.size
                    || note_marker(&t).is_some()
                    || footnote_def
                    || (l.x0 - p.x0).abs() > 4.0 * l.size
                    || t.starts_with('•')
            }
        };
        if starts_new {
            flush(&mut para, &mut placed);
            para = Some(Para {
                top,
                x0: l.x0,
                x1: l.x1,
                last_y: l.y,
                note: note_marker(&t).is_some(),
                text: t,
                lines: 1,
            });
        } else if let Some(p) = para.as_mut() {
            if needs_space(&p.text, &t) {
                p.text.push(' ');
            }
            p.text.push_str(&t);
            p.last_y = l.y;
            p.x1 = p.x1.max(l.x1);
            p.lines += 1;
        }
    }
    flush(&mut para, &mut placed);

    // a caption right above a table, overlapping it horizontally, belongs to it
    let captions: Vec<usize> = (0..placed.len())
        .filter(|&i| matches!(placed[i].item, Item::Caption(_)))
        .collect();
    let mut taken = Vec::new();
    for ci in captions {
        let (ctop, cx0) = (placed[ci].top, placed[ci].x0);
        let best = (0..placed.len())
            .filter(|&ti| match &placed[ti].item {
                Item::Table(t) => {
                    t.caption.is_none()
                        && t.top >= ctop
                        && t.top - ctop < 4.0 * body
                        && cx0 >= t.x0 - 2.0 * body
                        && cx0 < t.x1
                }
                _ => false,
            })
            .min_by(|a, b| placed[*a].top.total_cmp(&placed[*b].top));
        if let Some(ti) = best {
            let Item::Caption(text) = placed[ci].item.clone() else {
                continue;
            };
            if let Item::Table(t) = &mut placed[ti].item {
                t.caption = Some(text);
                taken.push(ci);
            }
        }
    }
    let mut out: Vec<Placed> = placed
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !taken.contains(i))
        .map(|(_, p)| p)
        .collect();
    // reading order: top to bottom; items side by side (overlapping vertically) left to right
    out.sort_by(|a, b| a.top.total_cmp(&b.top).then(a.x0.total_cmp(&b.x0)));
    out
}

/// When the page before ended in a table: the end of a row broken by the page, one short line
/// at the page top inside one column of the table right below it, becomes that table's first
/// row (and the table's continuation then finishes the broken row).
pub fn attach_page_top_remainder(out: &mut Vec<Placed>, body: f64) {
    if out.len() >= 2 && out[0].lines == 1 && matches!(out[0].item, Item::Paragraph(_)) {
        let (first, rest) = out.split_at_mut(1);
        let p = &first[0];
        if let Item::Table(t) = &mut rest[0].item {
            let col = t
                .cols
                .windows(2)
                .position(|w| p.x0 >= w[0] - 1.0 && p.x1 <= w[1] + 1.0);
            if let (Some(c), Item::Paragraph(text)) = (col, &p.item) {
                if t.top - p.top < 4.0 * body && t.caption.is_none() {
                    let mut row = vec![String::new(); t.cols.len() - 1];
                    row[c] = text.clone();
                    t.rows.insert(0, row);
                    t.top = p.top;
                    out.remove(0);
                }
            }
        }
    }
}

/// Splits a run at a gutter at least three times as wide as the median gutter (and 2 em), when
/// both sides have two columns or more: two tables side by side.
fn split_side_by_side(lines: &[&Line], cols: &[f64], body: f64) -> Vec<(f64, f64)> {
    let first = cols[0];
    let last = *cols.last().expect("edges");
    // gutter widths: the empty stretch around each inner edge
    let mut widths: Vec<(f64, f64)> = Vec::new();
    for &c in &cols[1..cols.len() - 1] {
        let left = lines
            .iter()
            .flat_map(|l| l.words.iter())
            .filter(|w| w.x1 <= c)
            .map(|w| w.x1)
            .fold(f64::NEG_INFINITY, f64::max);
        let right = lines
            .iter()
            .flat_map(|l| l.words.iter())
            .filter(|w| w.x0 >= c)
            .map(|w| w.x0)
            .fold(f64::INFINITY, f64::min);
        widths.push((c, right - left));
    }
    let mut sorted: Vec<f64> = widths.iter().map(|w| w.1).collect();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let widest = widths
        .iter()
        .copied()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|w| w.1 >= 3.0 * median && w.1 >= 2.0 * body);
    if let Some((c, _)) = widest {
        let left_cols = cols.iter().filter(|x| **x < c).count();
        let right_cols = cols.iter().filter(|x| **x > c).count();
        if left_cols >= 2 && right_cols >= 2 {
            return vec![(first, c), (c, last)];
        }
    }
    vec![(first, last)]
}

#[cfg(test)]
mod tests {
    use super::super::lines::Word;
    use super::*;

    fn line(y: f64, cells: &[(f64, &str)]) -> Line {
        let mut words = Vec::new();
        for (x, t) in cells {
            let mut x = *x;
            for w in t.split(' ') {
                let width = 5.0 * w.chars().count() as f64;
                words.push(Word {
                    x0: x,
                    x1: x + width,
                    text: w.to_string(),
                    ..Default::default()
                });
                x += width + 2.5;
            }
        }
        Line {
            y,
            size: 10.0,
            x0: words[0].x0,
            x1: words.last().unwrap().x1,
            words,
        }
    }

    #[test]
    fn unruled_table_with_a_multi_line_cell() {
        let lines = vec![
            line(100.0, &[(50.0, "Port Utilization")]),
            line(
                130.0,
                &[(50.0, "Listener"), (200.0, "Port"), (300.0, "Notes")],
            ),
            line(
                148.0,
                &[(50.0, "Tomcat"), (200.0, "TCP 8443"), (300.0, "Secure")],
            ),
            line(160.0, &[(300.0, "connections")]),
            line(
                178.0,
                &[(50.0, "Notification"), (200.0, "TCP 5222"), (300.0, "XMPP")],
            ),
        ];
        let items = page_items(&lines, &[], 600.0, 10.0);
        let tables: Vec<&PageTable> = items
            .iter()
            .filter_map(|p| match &p.item {
                Item::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(tables.len(), 1);
        assert_eq!(
            tables[0].rows,
            vec![
                vec!["Listener", "Port", "Notes"],
                vec!["Tomcat", "TCP 8443", "Secure connections"],
                vec!["Notification", "TCP 5222", "XMPP"],
            ]
        );
    }

    #[test]
    fn ruled_table_keeps_empty_cells() {
        let lines = vec![
            line(110.0, &[(52.0, "Listener"), (152.0, "Port")]),
            line(130.0, &[(152.0, "UDP 514")]),
        ];
        let mut rules = Vec::new();
        for y in [100.0, 120.0, 140.0] {
            rules.push(Rule {
                x0: 50.0,
                y0: y,
                x1: 250.0,
                y1: y,
            });
        }
        for x in [50.0, 150.0, 250.0] {
            rules.push(Rule {
                x0: x,
                y0: 100.0,
                x1: x,
                y1: 140.0,
            });
        }
        let items = page_items(&lines, &rules, 600.0, 10.0);
        let Item::Table(t) = &items[0].item else {
            panic!("no table: {items:?}");
        };
        assert_eq!(t.rows, vec![vec!["Listener", "Port"], vec!["", "UDP 514"]]);
    }
}
