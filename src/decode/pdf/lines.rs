//! Glyphs into lines and words: lines from baselines, words from gaps, superscript footnote
//! marks from glyph size and baseline rise.

use super::glyphs::Glyph;

#[derive(Debug, Clone, Default)]
pub struct Word {
    pub x0: f64,
    pub x1: f64,
    pub text: String,
    /// Where each glyph's text starts in `text`, with the glyph's x extent, so that a word
    /// that runs across a column edge (CJK cells filled to the edge, no padding) can be cut.
    /// Compact (a `u32` offset, `f32` positions, a thousandth of a point apart at worst): the
    /// lines of every page of a document are held at once.
    pub glyphs: Vec<(u32, f32, f32)>,
}

impl Word {
    /// Appends text drawn at `x0..x1` (a glyph, a mark, or another word's text).
    pub fn push(&mut self, text: &str, x0: f64, x1: f64) {
        self.glyphs
            .push((self.text.len() as u32, x0 as f32, x1 as f32));
        self.text.push_str(text);
        self.x1 = self.x1.max(x1);
    }

    /// Whether a glyph boundary where two cells may touch lies within `tol` of x: cells filled
    /// to their edges have no gap between them (CJK text, "(HTTPS)" against "TCP" without
    /// padding). A boundary between two letters or digits of a script with word spaces is
    /// inside a word: "8082" is never two cells.
    pub fn breaks_near(&self, x: f64, tol: f64) -> bool {
        self.glyphs.windows(2).any(|w| {
            let (left, right) = (
                self.text[w[0].0 as usize..w[1].0 as usize]
                    .chars()
                    .next_back(),
                self.text[w[1].0 as usize..].chars().next(),
            );
            let in_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
            ((f64::from(w[0].2) + f64::from(w[1].1)) / 2.0 - x).abs() <= tol
                && !(in_word(left) && in_word(right))
        })
    }

    /// The part of the word whose glyphs have their centre in `x0..x1`.
    pub fn part_between(&self, x0: f64, x1: f64) -> &str {
        let inside = |a: f64, b: f64| {
            let c = (a + b) / 2.0;
            c >= x0 && c < x1
        };
        if self.glyphs.is_empty() {
            return if inside(self.x0, self.x1) {
                &self.text
            } else {
                ""
            };
        }
        let mut start = None;
        let mut end = 0;
        for (k, &(off, a, b)) in self.glyphs.iter().enumerate() {
            if inside(f64::from(a), f64::from(b)) {
                if start.is_none() {
                    start = Some(off as usize);
                }
                end = self
                    .glyphs
                    .get(k + 1)
                    .map_or(self.text.len(), |g| g.0 as usize);
            } else if start.is_some() {
                break;
            }
        }
        start.map_or("", |s| self.text[s..end].trim())
    }
}

#[derive(Debug, Clone)]
pub struct Line {
    /// Baseline (page space, y downwards).
    pub y: f64,
    /// The dominant font size of the line.
    pub size: f64,
    pub words: Vec<Word>,
    /// Whether most of its glyphs come from a bold-looking (larger than body) font is not known
    /// from pdf-extract; size is what headings are told by.
    pub x0: f64,
    pub x1: f64,
}

impl Line {
    pub fn text(&self) -> String {
        join_words(self.words.iter())
    }

    /// Words between x positions (by their centre).
    pub fn text_between(&self, x0: f64, x1: f64) -> String {
        let mut s = String::new();
        for w in &self.words {
            let part = if w.x0 >= x0 && w.x1 <= x1 {
                w.text.as_str()
            } else if w.x1 <= x0 || w.x0 >= x1 {
                ""
            } else {
                w.part_between(x0, x1)
            };
            if part.is_empty() {
                continue;
            }
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(part);
        }
        s
    }

    /// Runs of words closer than `gap` to each other (and not split by `cuts`): the line's
    /// chunks, such as the cells of a table row.
    pub fn chunks(&self, gap: f64, cuts: &[f64]) -> Vec<Word> {
        let mut out: Vec<Word> = Vec::new();
        for w in &self.words {
            if let Some(last) = out.last_mut() {
                let cut = cuts.iter().any(|c| *c > last.x1 - 0.5 && *c < w.x0 + 0.5);
                if w.x0 - last.x1 < gap && !cut {
                    last.x1 = last.x1.max(w.x1);
                    last.text.push(' ');
                    let base = last.text.len() as u32;
                    last.text.push_str(&w.text);
                    last.glyphs
                        .extend(w.glyphs.iter().map(|&(o, a, b)| (o + base, a, b)));
                    continue;
                }
            }
            out.push(w.clone());
        }
        out
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x30FF | 0x3400..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// Whether two pieces of text joined at a line break (a wrapped cell or paragraph) need a
/// space: not between two CJK characters or next to CJK punctuation, and not after a hyphen
/// that ends a wrapped line ("read-" + "only", "10000-" + "20000").
pub fn needs_space(a: &str, b: &str) -> bool {
    let (Some(l), Some(r)) = (a.chars().last(), b.chars().next()) else {
        return false;
    };
    let before_hyphen = a.chars().rev().nth(1);
    if matches!(l, '-' | '‐' | '‑' | '–')
        && before_hyphen.is_some_and(char::is_alphanumeric)
        && r.is_alphanumeric()
    {
        return false;
    }
    // CJK line breaking cuts anywhere, numbers too ("8445" as "84" / "45")
    if l.is_ascii_digit() && r.is_ascii_digit() && a.chars().any(is_cjk) {
        return false;
    }
    !((is_cjk(l) && is_cjk(r)) || is_cjk_punct(l) || is_cjk_punct(r))
}

/// Words of one line: a gap or a space glyph between them is a space, in any script.
pub fn join_words<'a>(words: impl Iterator<Item = &'a Word>) -> String {
    let mut s = String::new();
    for w in words {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&w.text);
    }
    s
}

/// A footnote mark is set smaller than the text it follows: at most this share of its size
/// (WeasyPrint's `<sup>` is 0.89 of the text, LibreOffice's and Chromium's about 0.58-0.83).
const MARK_SIZE: f64 = 0.95;

fn superscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        _ => return None,
    })
}

/// Groups glyphs into lines (top to bottom) and words (left to right).
pub fn lines_of(glyphs: &[&Glyph]) -> Vec<Line> {
    let mut gs: Vec<&Glyph> = glyphs
        .iter()
        .copied()
        .filter(|g| g.size > 0.5 && g.size < 500.0)
        .collect();
    gs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    // one line per baseline; superscripts (raised) and cells centred a little lower in the
    // next column make lines of their own, and marks are put back on their word below
    let mut clusters: Vec<Vec<&Glyph>> = Vec::new();
    let mut anchor = f64::NEG_INFINITY;
    let mut anchor_size = 0.0;
    let mut cluster_max: f64 = 0.0;
    for g in gs {
        let same_type = g.size >= 0.85 * anchor_size && anchor_size >= 0.85 * g.size;
        // smaller type below the line's baseline is not the line's: a superscript raised above
        // the line under it, in another column ("42027" with its "¹" level with the next
        // column's text)
        let lowered_mark = g.size < MARK_SIZE * anchor_size && g.y - anchor > 0.15 * g.size;
        // and a line of marks only so far does not take larger text a little below it: the
        // marks are raised over a line further down (a cell centred lower than its row)
        let under_marks = cluster_max < MARK_SIZE * g.size && g.y - anchor > 0.05 * g.size;
        let joins = !clusters.is_empty()
            && g.y - anchor <= 0.25 * g.size
            && !lowered_mark
            && !under_marks
            && (same_type || g.y - anchor < 0.05 * g.size);
        if joins {
            clusters.last_mut().expect("a cluster").push(g);
            cluster_max = cluster_max.max(g.size);
        } else {
            anchor = g.y;
            anchor_size = g.size;
            cluster_max = g.size;
            clusters.push(vec![g]);
        }
    }
    let mut lines: Vec<Line> = clusters.into_iter().filter_map(line_of).collect();
    attach_wrapped_marks(&mut lines);
    lines
}

/// Where a mark that wrapped onto a line of its own at `mx0` belongs: the line above whose
/// cell starts where the mark does (a wrapped line starts at the cell's left edge), at the end
/// of that cell's words; else the end of the line right above. (line, word) indexes.
fn wrapped_mark_home(lines: &[Line], i: usize, mx0: f64) -> (usize, usize) {
    let cur = &lines[i];
    for j in (0..i).rev() {
        let l = &lines[j];
        if cur.y - l.y >= 1.6 * l.size {
            break;
        }
        if let Some(k) = l.words.iter().position(|w| (w.x0 - mx0).abs() <= 1.5) {
            let mut end = k;
            while end + 1 < l.words.len() && l.words[end + 1].x0 - l.words[end].x1 < 0.5 * l.size {
                end += 1;
            }
            return (j, end);
        }
    }
    (i - 1, lines[i - 1].words.len().saturating_sub(1))
}

/// A footnote mark that wrapped onto a line of its own ("TCP 1433" / small raised "1") is the
/// mark of a line above: smaller type, only digits or mark symbols, right under that line, at
/// the end of the cell it wrapped from.
fn attach_wrapped_marks(lines: &mut Vec<Line>) {
    attach_raised_marks(lines);
    let mut i = 1;
    while i < lines.len() {
        let (prev, cur) = (&lines[i - 1], &lines[i]);
        let text = cur.text();
        let is_mark = !text.is_empty()
            && text.chars().count() <= 3
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || "*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰".contains(c));
        if is_mark
            && cur.size < MARK_SIZE * prev.size
            && cur.y - prev.y < 1.6 * prev.size
            && cur.words.len() == 1
        {
            let mark: String = text
                .chars()
                .map(|c| {
                    c.to_digit(10)
                        .and_then(|d| superscript(char::from(b'0' + d as u8)))
                        .unwrap_or(c)
                })
                .collect();
            let (mx0, mx1) = (cur.x0, cur.x1);
            let (j, k) = wrapped_mark_home(lines, i, mx0);
            if let Some(w) = lines[j].words.get_mut(k) {
                w.push(&mark, mx0, mx1);
            }
            lines.remove(i);
        } else {
            i += 1;
        }
    }
}

fn line_of(mut gs: Vec<&Glyph>) -> Option<Line> {
    gs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    // the dominant size: the size most of the (non-space) glyphs have
    let mut sizes: Vec<(i64, usize)> = Vec::new();
    for g in gs.iter().filter(|g| !g.is_space()) {
        let k = (g.size * 2.0).round() as i64;
        match sizes.iter_mut().find(|(s, _)| *s == k) {
            Some(e) => e.1 += 1,
            None => sizes.push((k, 1)),
        }
    }
    let size = sizes
        .iter()
        .max_by_key(|(s, n)| (*n, *s))
        .map(|(s, _)| *s as f64 / 2.0)?;
    let mut base: Vec<f64> = gs
        .iter()
        .filter(|g| (g.size - size).abs() < 0.6 && !g.is_space())
        .map(|g| g.y)
        .collect();
    base.sort_by(f64::total_cmp);
    let baseline = base.get(base.len() / 2).copied().unwrap_or(gs[0].y);

    let mut words: Vec<Word> = Vec::new();
    let mut space_before = true;
    let mut prev: Option<&Glyph> = None;
    for g in gs {
        if g.is_space() {
            space_before = true;
            continue;
        }
        // the same glyph drawn twice (fake bold, shadows)
        if let Some(p) = prev {
            if p.text == g.text
                && (p.x0 - g.x0).abs() < (0.1 * g.size).min(1.0)
                && (p.y - g.y).abs() < 0.5
            {
                continue;
            }
        }
        let raised = g.size < 0.85 * size && g.y < baseline - 0.15 * size;
        let sup: Option<String> = if raised {
            g.text.chars().map(superscript).collect()
        } else {
            None
        };
        let text: &str = sup.as_deref().unwrap_or(&g.text);
        let gap_limit = 0.18 * size;
        let new_word = match (words.last(), prev) {
            (None, _) | (_, None) => true,
            (Some(w), Some(_)) => {
                !raised && (space_before || g.x0 - w.x1 > gap_limit || g.x0 < w.x0 - 0.5 * size)
            }
        };
        if new_word {
            words.push(Word {
                x0: g.x0,
                x1: g.x1,
                text: String::new(),
                glyphs: Vec::new(),
            });
        }
        words.last_mut().expect("a word").push(text, g.x0, g.x1);
        space_before = false;
        prev = Some(g);
    }
    if words.is_empty() {
        return None;
    }
    let x0 = words.iter().map(|w| w.x0).fold(f64::INFINITY, f64::min);
    let x1 = words.iter().map(|w| w.x1).fold(f64::NEG_INFINITY, f64::max);
    Some(Line {
        y: baseline,
        size,
        words,
        x0,
        x1,
    })
}

fn mark_text(text: &str) -> Option<String> {
    let ok = !text.is_empty()
        && text.chars().count() <= 3
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || "*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰".contains(c));
    ok.then(|| {
        text.chars()
            .map(|c| {
                c.to_digit(10)
                    .and_then(|d| superscript(char::from(b'0' + d as u8)))
                    .unwrap_or(c)
            })
            .collect()
    })
}

/// Superscript marks that came out as a line of their own just above a line: each goes onto
/// the word it follows, in the nearest line below whose baseline is less than 0.7 of its type
/// size lower.
fn attach_raised_marks(lines: &mut Vec<Line>) {
    let mut i = 0;
    while i < lines.len() {
        let cur = &lines[i];
        let marks: Option<Vec<(f64, String)>> = cur
            .words
            .iter()
            .map(|w| mark_text(&w.text).map(|m| (w.x0, m)))
            .collect();
        let Some(marks) = marks else {
            i += 1;
            continue;
        };
        // for each mark: the line and word it belongs to (after the word it follows, or
        // before the word it starts: a footnote definition "¹ Default port")
        let mut targets: Vec<(usize, usize, String, bool)> = Vec::new();
        for (x, m) in &marks {
            let near = |j: usize| {
                let l = &lines[j];
                let after = l
                    .words
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.x1 <= x + 1.0 && x - w.x1 < l.size)
                    .max_by(|a, b| a.1.x1.total_cmp(&b.1.x1))
                    .map(|(k, _)| (j, k, false));
                after.or_else(|| {
                    l.words
                        .iter()
                        .position(|w| w.x0 >= x - 1.0 && w.x0 - x < l.size)
                        .filter(|&k| k == 0 || l.words[k - 1].x1 < x - l.size)
                        .map(|k| (j, k, true))
                })
            };
            let found = (i + 1..lines.len())
                .take_while(|&j| lines[j].y - cur.y < 0.7 * lines[j].size)
                .filter(|&j| cur.size < MARK_SIZE * lines[j].size)
                .find_map(near);
            match found {
                Some((j, k, before)) => targets.push((j, k, m.clone(), before)),
                None => break,
            }
        }
        if targets.len() != marks.len() {
            i += 1;
            continue;
        }
        for (j, k, m, before) in targets {
            let w = &mut lines[j].words[k];
            if before {
                w.text.insert_str(0, &m);
                for g in &mut w.glyphs {
                    g.0 += m.len() as u32;
                }
                w.glyphs.insert(0, (0, w.x0 as f32, w.x0 as f32));
            } else {
                let x = w.x1;
                w.push(&m, x, x);
            }
        }
        lines.remove(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(s: &str, x: f64, y: f64, size: f64) -> Vec<Glyph> {
        let mut out = Vec::new();
        let mut x = x;
        for c in s.chars() {
            let w = if c == ' ' { 0.25 * size } else { 0.5 * size };
            out.push(Glyph {
                x0: x,
                x1: x + w,
                y,
                size,
                text: c.to_string().into(),
                mcid: None,
            });
            x += w;
        }
        out
    }

    #[test]
    fn words_lines_and_superscript_marks() {
        let mut g = glyphs("TCP 1433", 10.0, 100.0, 10.0);
        let end = g.last().unwrap().x1;
        g.extend(glyphs("1", end, 96.5, 7.0));
        g.extend(glyphs("Next line", 10.0, 112.0, 10.0));
        let refs: Vec<&Glyph> = g.iter().collect();
        let lines = lines_of(&refs);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text(), "TCP 1433¹");
        assert_eq!(lines[1].text(), "Next line");
    }

    #[test]
    fn chunks_split_at_wide_gaps() {
        let mut g = glyphs("Remote Device", 10.0, 100.0, 10.0);
        g.extend(glyphs("TCP 443", 120.0, 100.0, 10.0));
        let refs: Vec<&Glyph> = g.iter().collect();
        let line = &lines_of(&refs)[0];
        let c = line.chunks(10.0, &[]);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].text, "Remote Device");
        assert_eq!(line.chunks(10.0, &[110.0]).len(), 2);
    }
}
