//! Glyphs into lines and words: lines from baselines, words from gaps, superscript footnote
//! marks from glyph size and baseline rise.

use super::glyphs::Glyph;

#[derive(Debug, Clone)]
pub struct Word {
    pub x0: f64,
    pub x1: f64,
    pub text: String,
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
        join_words(self.words.iter().filter(|w| {
            let c = (w.x0 + w.x1) / 2.0;
            c >= x0 && c < x1
        }))
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
                    if needs_space(&last.text, &w.text) {
                        last.text.push(' ');
                    }
                    last.text.push_str(&w.text);
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

/// Whether two pieces of text joined at a line or word break need a space: not between two
/// CJK characters, and not after a hyphen that ends a wrapped line ("10-" + "20" stays "10-20").
pub fn needs_space(a: &str, b: &str) -> bool {
    let (Some(l), Some(r)) = (a.chars().last(), b.chars().next()) else {
        return false;
    };
    !(is_cjk(l) && is_cjk(r))
}

pub fn join_words<'a>(words: impl Iterator<Item = &'a Word>) -> String {
    let mut s = String::new();
    for w in words {
        if !s.is_empty() && needs_space(&s, &w.text) {
            s.push(' ');
        }
        s.push_str(&w.text);
    }
    s
}

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
    let mut clusters: Vec<Vec<&Glyph>> = Vec::new();
    let mut anchor = f64::NEG_INFINITY;
    let mut max_size: f64 = 0.0;
    for g in gs {
        let joins = !clusters.is_empty() && g.y - anchor <= 0.5 * max_size.max(g.size);
        if joins {
            max_size = max_size.max(g.size);
            clusters.last_mut().expect("a cluster").push(g);
        } else {
            anchor = g.y;
            max_size = g.size;
            clusters.push(vec![g]);
        }
    }
    let mut lines: Vec<Line> = clusters.into_iter().filter_map(line_of).collect();
    attach_wrapped_marks(&mut lines);
    lines
}

/// A footnote mark that wrapped onto a line of its own ("TCP 1433" / small raised "1") is the
/// previous line's mark: smaller type, only digits or mark symbols, right under that line.
fn attach_wrapped_marks(lines: &mut Vec<Line>) {
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
            && cur.size < 0.85 * prev.size
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
            if let Some(w) = lines[i - 1].words.last_mut() {
                w.text.push_str(&mark);
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
        let text = if raised {
            let sup: Option<String> = g.text.chars().map(superscript).collect();
            sup.unwrap_or_else(|| g.text.clone())
        } else {
            g.text.clone()
        };
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
                text,
            });
        } else {
            let w = words.last_mut().expect("a word");
            w.x1 = w.x1.max(g.x1);
            w.text.push_str(&text);
        }
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
                text: c.to_string(),
                show: 0,
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
