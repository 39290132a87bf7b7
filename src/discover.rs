//! Walking the inputs, sniffing formats, reading sidecar metadata.

use crate::document::{Format, Meta};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One input document found under a PATH argument.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// Path relative to the PATH argument it was found under, `/`-separated (a file argument:
    /// its file name). This is the record's `document`.
    pub document: String,
    /// The path to read.
    pub path: PathBuf,
}

/// The sidecar suffix: `guide.txt.meta.toml` describes `guide.txt`.
pub const SIDECAR_SUFFIX: &str = ".meta.toml";

/// The extensions portolan reads, for messages about the others.
pub const KNOWN_EXTENSIONS: &str = ".txt .text .md .markdown .mdown .html .htm .xhtml .pdf .adoc \
     .asciidoc .asc .rst .rest .csv .tsv";

/// The format of a file, from its extension; `None` for files that are not documents.
pub fn format_of(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_lowercase();
    if name.ends_with(SIDECAR_SUFFIX) {
        return None;
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    Some(match ext {
        "md" | "markdown" | "mdown" => Format::Markdown,
        "txt" | "text" => Format::Text,
        "html" | "htm" | "xhtml" => Format::Html,
        "pdf" => Format::Pdf,
        "adoc" | "asciidoc" | "asc" => Format::AsciiDoc,
        "rst" | "rest" => Format::Rst,
        "csv" | "tsv" => Format::Csv,
        _ => return None,
    })
}

/// Refines a text document's format from its content: reStructuredText directives or section
/// underlines make it reStructuredText, pipe tables make it markdown.
pub fn sniff_text(format: Format, text_start: &[u8]) -> Format {
    if format != Format::Text {
        return format;
    }
    let s = String::from_utf8_lossy(text_start);
    if looks_like_rst(&s) {
        return Format::Rst;
    }
    let pipe_table = s.lines().any(|l| {
        let t = l.trim();
        t.contains("---|") || t.contains("|---") || t.contains("|:--")
    });
    if pipe_table {
        Format::Markdown
    } else {
        Format::Text
    }
}

/// reStructuredText: an explicit directive (`.. list-table::`, `.. note::`), or a section title
/// underlined with a punctuation character as long as the title together with a markup only
/// reStructuredText has (``` ``literal`` ```, `:role:` text). Underlines alone are common in
/// plain text dumps.
fn looks_like_rst(s: &str) -> bool {
    let lines: Vec<&str> = s.lines().collect();
    let directive = lines.iter().any(|l| {
        let t = l.trim_start();
        t.strip_prefix(".. ").is_some_and(|rest| {
            rest.split_once("::").is_some_and(|(name, _)| {
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
            })
        })
    });
    let underlined = lines.windows(2).any(|w| {
        let (title, under) = (w[0].trim_end(), w[1].trim_end());
        let mut chars = under.chars();
        let first = chars.next();
        !title.trim().is_empty()
            && !title.starts_with(' ')
            && first.is_some_and(|c| "=-~^\"'`#*+".contains(c))
            && under.chars().all(|c| Some(c) == first)
            && under.chars().count() >= title.chars().count().max(3)
            && !title.contains('|')
    });
    let markup = s.contains("``") || s.contains(":`");
    directive || (underlined && markup)
}

fn hidden_or_vcs(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "CVS" | "_darcs")
}

/// Every document under the given paths, sorted by document name then path, so that the order of
/// the PATH arguments never changes the output.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Input>, std::io::Error> {
    let mut out = Vec::new();
    for root in paths {
        let meta = std::fs::metadata(root)?;
        if meta.is_file() {
            let name = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push(Input {
                document: name,
                path: root.clone(),
            });
            continue;
        }
        let walker = WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !hidden_or_vcs(&e.file_name().to_string_lossy()));
        for entry in walker {
            let entry = entry.map_err(std::io::Error::other)?;
            if !entry.file_type().is_file() || format_of(entry.path()).is_none() {
                continue;
            }
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let document = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push(Input {
                document,
                path: entry.path().to_path_buf(),
            });
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[derive(serde::Deserialize, Default)]
struct Sidecar {
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    release: String,
    #[serde(default)]
    language: Option<String>,
}

/// Metadata from `<file>.meta.toml` beside the document, if there is one.
pub fn sidecar(path: &Path) -> Result<Option<Meta>, String> {
    let mut p = path.as_os_str().to_owned();
    p.push(SIDECAR_SUFFIX);
    let p = PathBuf::from(p);
    if !p.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    let s: Sidecar = toml::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
    Ok(Some(Meta {
        vendor: s.vendor,
        product: s.product,
        release: s.release,
        language: s.language,
        title: String::new(),
    }))
}
