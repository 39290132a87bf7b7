//! What a PDF page draws, as portolan needs it: every glyph with its box, font size and text,
//! the ruling lines (table borders), and which marked-content sequence (MCID) each glyph belongs
//! to. pdf-extract interprets the content streams; this module only collects.

use compact_str::CompactString;
use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};
use unicode_normalization::UnicodeNormalization;

/// One glyph, in page space with y growing downwards (0 = top of the page).
#[derive(Debug, Clone)]
pub struct Glyph {
    pub x0: f64,
    pub x1: f64,
    /// Baseline.
    pub y: f64,
    pub size: f64,
    /// Inline up to 24 bytes (a glyph is one character, or a ligature's few): no heap string per
    /// glyph.
    pub text: CompactString,
    /// The marked-content sequence (MCID) the glyph was drawn in, for tagged PDFs.
    pub mcid: Option<i64>,
}

impl Glyph {
    pub fn is_space(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
}

/// A ruling line: horizontal when `y0 == y1` (within a point), vertical when `x0 == x1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rule {
    pub fn horizontal(&self) -> bool {
        self.y1 - self.y0 < 1.5 && self.x1 - self.x0 >= 4.0
    }
    pub fn vertical(&self) -> bool {
        self.x1 - self.x0 < 1.5 && self.y1 - self.y0 >= 4.0
    }
}

#[derive(Debug, Default)]
pub struct PageGlyphs {
    pub number: u32,
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    /// Glyphs drawn with no Unicode mapping (no ToUnicode entry): counted, never guessed.
    pub unmapped: usize,
}

/// The pdf-extract output device that fills a [`PageGlyphs`].
pub struct Collector {
    pub page: PageGlyphs,
    llx: f64,
    ury: f64,
    /// More glyphs than this on one page are dropped (a hostile page), with a warning upstream.
    pub limit: usize,
    pub truncated: bool,
    /// Open marked-content sequences, innermost last (None: BMC or a BDC without MCID).
    marked: Vec<Option<i64>>,
}

impl Collector {
    pub fn new(limit: usize) -> Self {
        Collector {
            page: PageGlyphs::default(),
            llx: 0.0,
            ury: 0.0,
            limit,
            truncated: false,
            marked: Vec::new(),
        }
    }

    fn point(&self, ctm: &Transform, x: f64, y: f64) -> (f64, f64) {
        let px = ctm.m11 * x + ctm.m21 * y + ctm.m31;
        let py = ctm.m12 * x + ctm.m22 * y + ctm.m32;
        (px - self.llx, self.ury - py)
    }

    fn add_rule(&mut self, a: (f64, f64), b: (f64, f64)) {
        if self.page.rules.len() >= self.limit {
            self.truncated = true;
            return;
        }
        let r = Rule {
            x0: a.0.min(b.0),
            y0: a.1.min(b.1),
            x1: a.0.max(b.0),
            y1: a.1.max(b.1),
        };
        if !(r.x0.is_finite() && r.y0.is_finite() && r.x1.is_finite() && r.y1.is_finite()) {
            return;
        }
        if r.horizontal() || r.vertical() {
            self.page.rules.push(r);
        }
    }

    /// Straight segments and rectangles of a path become rules; a filled rectangle thinner than
    /// 3 points is one rule along its middle (how browsers draw borders).
    fn path(&mut self, ctm: &Transform, path: &Path, filled: bool) {
        let mut current: Option<(f64, f64)> = None;
        let mut start: Option<(f64, f64)> = None;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    current = Some(self.point(ctm, x, y));
                    start = current;
                }
                PathOp::LineTo(x, y) => {
                    let p = self.point(ctm, x, y);
                    if let Some(c) = current {
                        if !filled {
                            self.add_rule(c, p);
                        }
                    }
                    current = Some(p);
                }
                PathOp::CurveTo(_, _, _, _, x, y) => current = Some(self.point(ctm, x, y)),
                PathOp::Rect(x, y, w, h) => {
                    let a = self.point(ctm, x, y);
                    let b = self.point(ctm, x + w, y + h);
                    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
                    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
                    if filled {
                        if y1 - y0 < 3.0 && x1 - x0 >= 4.0 {
                            let m = (y0 + y1) / 2.0;
                            self.add_rule((x0, m), (x1, m));
                        } else if x1 - x0 < 3.0 && y1 - y0 >= 4.0 {
                            let m = (x0 + x1) / 2.0;
                            self.add_rule((m, y0), (m, y1));
                        }
                    } else {
                        self.add_rule((x0, y0), (x1, y0));
                        self.add_rule((x0, y1), (x1, y1));
                        self.add_rule((x0, y0), (x0, y1));
                        self.add_rule((x1, y0), (x1, y1));
                    }
                    current = Some(a);
                    start = current;
                }
                PathOp::Close => {
                    if let (Some(c), Some(s)) = (current, start) {
                        if !filled {
                            self.add_rule(c, s);
                        }
                    }
                    current = start;
                }
            }
        }
        // a filled quadrilateral drawn with lines (moveto + 3 linetos) thin enough is a rule
        if filled {
            let pts: Vec<(f64, f64)> = path
                .ops
                .iter()
                .filter_map(|op| match *op {
                    PathOp::MoveTo(x, y) | PathOp::LineTo(x, y) => Some(self.point(ctm, x, y)),
                    _ => None,
                })
                .collect();
            if (4..=5).contains(&pts.len()) && path.ops.len() <= 6 {
                let x0 = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
                let x1 = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
                let y0 = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
                let y1 = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
                if y1 - y0 < 3.0 && x1 - x0 >= 4.0 {
                    let m = (y0 + y1) / 2.0;
                    self.add_rule((x0, m), (x1, m));
                } else if x1 - x0 < 3.0 && y1 - y0 >= 4.0 {
                    let m = (x0 + x1) / 2.0;
                    self.add_rule((m, y0), (m, y1));
                }
            }
        }
    }
}

/// Characters some fonts map to compatibility code points: Kangxi radicals (U+2F00) and CJK
/// radical supplements for ordinary kanji, Latin ligatures (`ﬁ`). Only these are folded here;
/// everything else (superscript marks above all) stays for the shared normalization.
pub fn fold_glyph_text(s: &str) -> CompactString {
    if s.is_ascii() {
        return CompactString::from(s);
    }
    let mut out = CompactString::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c as u32, 0x2E80..=0x2FDF | 0xFB00..=0xFB06 | 0xF900..=0xFAFF) {
            out.extend(std::iter::once(c).nfkc());
        } else {
            out.push(c);
        }
    }
    out
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        // the glyph buffer given before the page (the previous page's, emptied) is kept
        let mut glyphs = std::mem::take(&mut self.page.glyphs);
        glyphs.clear();
        self.page = PageGlyphs {
            number: page_num,
            width: (media_box.urx - media_box.llx).abs(),
            height: (media_box.ury - media_box.lly).abs(),
            glyphs,
            ..Default::default()
        };
        self.llx = media_box.llx.min(media_box.urx);
        self.ury = media_box.ury.max(media_box.lly);
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let sx = (trm.m11 * trm.m11 + trm.m12 * trm.m12).sqrt();
        let sy = (trm.m21 * trm.m21 + trm.m22 * trm.m22).sqrt();
        let size = (font_size * sy).abs();
        let advance = (width * font_size * sx).abs();
        if !(size.is_finite() && advance.is_finite() && trm.m31.is_finite() && trm.m32.is_finite())
        {
            return Ok(());
        }
        if text.is_empty() {
            self.page.unmapped += 1;
            return Ok(());
        }
        if self.page.glyphs.len() >= self.limit {
            self.truncated = true;
            return Ok(());
        }
        let x0 = trm.m31 - self.llx;
        let y = self.ury - trm.m32;
        let text = if text.contains('\u{FFFD}') {
            self.page.unmapped += 1;
            return Ok(());
        } else {
            fold_glyph_text(text)
        };
        self.page.glyphs.push(Glyph {
            x0,
            x1: x0 + advance,
            y,
            size,
            text,
            mcid: self.marked.iter().rev().find_map(|m| *m),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn begin_marked_content(&mut self, mcid: Option<i64>) -> Result<(), OutputError> {
        // a hostile page may open sequences without end: the depth is bounded
        if self.marked.len() < 4096 {
            self.marked.push(mcid);
        }
        Ok(())
    }

    fn end_marked_content(&mut self) -> Result<(), OutputError> {
        self.marked.pop();
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.path(ctm, path, false);
        Ok(())
    }

    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        // white fills are backgrounds, not borders
        if !color.is_empty() && color.iter().all(|c| *c >= 0.95) {
            return Ok(());
        }
        self.path(ctm, path, true);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmapped_glyphs_are_counted_not_kept() {
        let mut c = Collector::new(100);
        let media = MediaBox {
            llx: 0.0,
            lly: 0.0,
            urx: 600.0,
            ury: 800.0,
        };
        c.begin_page(1, &media, None).unwrap();
        let at = Transform::create_translation(72.0, 700.0);
        c.begin_word().unwrap();
        c.output_character(&at, 0.5, 0.0, 10.0, "ポ").unwrap();
        c.output_character(&at, 0.5, 0.0, 10.0, "").unwrap();
        c.output_character(&at, 0.5, 0.0, 10.0, "\u{FFFD}").unwrap();
        assert_eq!(c.page.glyphs.len(), 1);
        assert_eq!(c.page.unmapped, 2);
        let g = &c.page.glyphs[0];
        assert_eq!((g.x0, g.y, g.size), (72.0, 100.0, 10.0));
        assert_eq!(g.x1, 77.0);
    }

    #[test]
    fn radicals_and_ligatures_fold_but_marks_stay() {
        assert_eq!(fold_glyph_text("\u{2F45}"), "方");
        assert_eq!(fold_glyph_text("ﬁ"), "fi");
        assert_eq!(fold_glyph_text("¹"), "¹");
        assert_eq!(fold_glyph_text("ポート"), "ポート");
    }
}
