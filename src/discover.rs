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
    let name = path.file_name()?.to_string_lossy().to_lowercase();
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

/// A path under the inputs that is not read, or that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct PathProblem {
    /// The path as it was found (`/`-separated).
    pub path: String,
    /// What it is or what went wrong, for a person.
    pub problem: String,
    /// `true` when something that may hold documents could not be read (the run is incomplete:
    /// it counts as a failure); `false` for a path deliberately left out (a symbolic link, a FIFO).
    pub failed: bool,
}

/// What [`discover`] found: the documents to read, and every path it could not or would not read.
#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    pub problems: Vec<PathProblem>,
}

fn shown(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// What kind of special file this is, for a message.
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    let _ = ft;
    "not a regular file"
}

/// The folder a PATH argument's documents are named from: itself for a folder, its parent for
/// a file. Canonical where possible, so that `a/../b` and `b` name documents alike.
fn base_of(arg: &Path, is_dir: bool) -> PathBuf {
    let abs = std::fs::canonicalize(arg)
        .or_else(|_| std::path::absolute(arg))
        .unwrap_or_else(|_| arg.to_path_buf());
    if is_dir {
        abs
    } else {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs)
    }
}

/// The longest folder that holds every one of `bases`.
fn common_root(bases: &[PathBuf]) -> PathBuf {
    let mut root: Vec<std::path::Component> = match bases.first() {
        Some(b) => b.components().collect(),
        None => return PathBuf::new(),
    };
    for b in &bases[1..] {
        let n = root
            .iter()
            .zip(b.components())
            .take_while(|(x, y)| **x == *y)
            .count();
        root.truncate(n);
    }
    root.iter().collect()
}

fn document_name(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every document under the given paths, sorted by document name then path, so that the order of
/// the PATH arguments never changes the output. A document is named by its path relative to the
/// common root of the PATH arguments (one folder: relative to it; one file: its file name), so
/// that names, and the record ids made from them, are unique within a run.
///
/// Folders are walked recursively, skipping hidden and VCS folders and everything under
/// `exclude` (the output folder). Symbolic links and special files inside a folder are not read
/// and are listed in [`Discovery::problems`], as are folders that cannot be read; the walk goes
/// on past both.
pub fn discover(paths: &[PathBuf], exclude: &[PathBuf]) -> Discovery {
    let mut out = Discovery::default();
    let exclude: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mut roots = Vec::new();
    for arg in paths {
        match std::fs::metadata(arg) {
            Ok(m) if m.is_file() || m.is_dir() => roots.push((arg, m.is_dir())),
            Ok(m) => out.problems.push(PathProblem {
                path: shown(arg),
                problem: format!("{}, not read", special_kind(&m.file_type())),
                failed: false,
            }),
            Err(e) => out.problems.push(PathProblem {
                path: shown(arg),
                problem: format!("cannot read: {e}"),
                failed: true,
            }),
        }
    }
    let bases: Vec<PathBuf> = roots.iter().map(|(a, d)| base_of(a, *d)).collect();
    let common = common_root(&bases);
    for ((arg, is_dir), base) in roots.iter().zip(&bases) {
        let prefix = base.strip_prefix(&common).unwrap_or(Path::new(""));
        if !is_dir {
            let name = arg.file_name().map(PathBuf::from).unwrap_or_default();
            out.inputs.push(Input {
                document: document_name(&prefix.join(name)),
                path: arg.to_path_buf(),
            });
            continue;
        }
        let walker = WalkDir::new(arg)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                if hidden_or_vcs(&e.file_name().to_string_lossy()) {
                    return false;
                }
                // the output folder, when it lies inside an input folder
                !(e.file_type().is_dir()
                    && !exclude.is_empty()
                    && std::fs::canonicalize(e.path()).is_ok_and(|c| exclude.contains(&c)))
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().map(shown).unwrap_or_else(|| shown(arg));
                    let why = e
                        .io_error()
                        .map(|io| io.to_string())
                        .unwrap_or_else(|| e.to_string());
                    out.problems.push(PathProblem {
                        path,
                        problem: format!("cannot read: {why}"),
                        failed: true,
                    });
                    continue;
                }
            };
            let ft = entry.file_type();
            if ft.is_dir() || format_of(entry.path()).is_none() {
                continue;
            }
            if ft.is_symlink() {
                out.problems.push(PathProblem {
                    path: shown(entry.path()),
                    problem: "a symbolic link, not followed (name its target as a PATH to read it)"
                        .into(),
                    failed: false,
                });
                continue;
            }
            if !ft.is_file() {
                out.problems.push(PathProblem {
                    path: shown(entry.path()),
                    problem: format!("{}, not read", special_kind(&ft)),
                    failed: false,
                });
                continue;
            }
            let rel = entry.path().strip_prefix(arg).unwrap_or(entry.path());
            out.inputs.push(Input {
                document: document_name(&prefix.join(rel)),
                path: entry.path().to_path_buf(),
            });
        }
    }
    out.inputs.sort();
    // the same file reached through two PATH arguments has one name
    out.inputs.dedup_by(|a, b| a.document == b.document);
    out.problems.sort();
    out.problems.dedup();
    out
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

/// The largest sidecar read: a few lines of TOML; anything bigger is not one.
pub const MAX_SIDECAR_BYTES: u64 = 64 * 1024;

/// Opens `path` for reading if it is a regular file (following symbolic links), and returns it
/// with its size. The open never blocks: a FIFO or a device is an error naming what it is, not a
/// hang.
pub fn open_regular(path: &Path) -> std::io::Result<(std::fs::File, u64)> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other(format!(
            "{}, not a document",
            special_kind(&meta.file_type())
        )));
    }
    Ok((file, meta.len()))
}

/// At most `limit` bytes of a regular file: the size is checked before reading and the read
/// itself is bounded (a file that grows while it is read cannot exceed it). `Err(Ok(size))`
/// when the file is larger than `limit`.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Result<u64, std::io::Error>> {
    use std::io::Read;
    let (file, size) = open_regular(path).map_err(Err)?;
    if size > limit {
        return Err(Ok(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(Err)?;
    if bytes.len() as u64 > limit {
        return Err(Ok(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Metadata from `<file>.meta.toml` beside the document, if there is one. The sidecar must be a
/// regular file (a link to one is followed) of at most [`MAX_SIDECAR_BYTES`]; it is read once.
/// Errors name the sidecar and never quote its content (a link to another file must not leak it
/// into the report).
pub fn sidecar(path: &Path) -> Result<Option<Meta>, String> {
    let mut p = path.as_os_str().to_owned();
    p.push(SIDECAR_SUFFIX);
    let p = PathBuf::from(p);
    let name = shown(&p);
    match std::fs::symlink_metadata(&p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("sidecar {name}: cannot read: {e}")),
        Ok(_) => {}
    }
    let bytes = read_regular(&p, MAX_SIDECAR_BYTES).map_err(|e| match e {
        Ok(size) => format!(
            "sidecar {name}: {size} bytes; a sidecar holds at most {} KiB",
            MAX_SIDECAR_BYTES / 1024
        ),
        Err(e) => format!("sidecar {name}: cannot read: {e}"),
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("sidecar {name}: not UTF-8 text, so not TOML"))?;
    let s: Sidecar = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|sp| {
                format!(
                    " at line {}",
                    text.get(..sp.start).unwrap_or("").lines().count().max(1)
                )
            })
            .unwrap_or_default();
        format!("sidecar {name}: not valid TOML{line}: {}", e.message())
    })?;
    Ok(Some(Meta {
        vendor: s.vendor,
        product: s.product,
        release: s.release,
        language: s.language,
        title: String::new(),
    }))
}
