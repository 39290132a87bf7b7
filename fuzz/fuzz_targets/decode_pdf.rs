//! Any bytes as a PDF, through decoding and understanding.
//!
//! Panic policy. pdf-extract (and lopdf below it) panic on malformed files by policy, and
//! portolan runs them in isolated worker processes (`src/isolate.rs`): such a panic costs one
//! document a clear error, so it is not a portolan crash. A panic in portolan's own code
//! (`src/decode/pdf`, `src/structure`, `src/understand`, ...) is one. libfuzzer-sys installs a
//! panic hook that aborts on every panic, so `catch_unwind` alone would hide nothing; this
//! target replaces that hook once with its own, which looks at where the panic happened:
//!
//! - in `vendor/pdf-extract` or a crates.io dependency (`.cargo/registry`: lopdf, the CMap and
//!   encoding parsers): the site is remembered, printed once (`foreign panic site #N: ...`), the
//!   input that first hit it is saved to `$PORTOLAN_FUZZ_PANIC_DIR` if that is set, and the
//!   panic unwinds into the `catch_unwind` below: not a crash;
//! - anywhere else (portolan's own code, or the standard library, which cannot tell who called
//!   it): the message is printed and the process aborts, as libfuzzer-sys would, so libFuzzer
//!   saves the input as a crash.
//!
//! `PORTOLAN_FUZZ_STRICT=1` makes every panic a crash, and `PORTOLAN_FUZZ_STRICT=lib.rs:1009`
//! (any part of a `file:line:column` site) only the panics at that site, so that
//! `cargo fuzz tmin` minimizes an input without wandering to another site. What no hook can stop stays a crash in both modes: stack
//! overflows, aborts, out-of-memory (`-rss_limit_mb`), and hangs (`-timeout`). Those take a
//! worker down too, so they are worth a fixture and a fix in pdf-extract where possible.
//!
//! Records must hold the same invariants as every other decoder's.
#![no_main]
use libfuzzer_sys::fuzz_target;
use portolan::document::Format;
use std::collections::BTreeSet;
use std::sync::{Mutex, Once};

mod common;

static HOOK: Once = Once::new();
/// The input being decoded, for saving the first input that reaches a new panic site.
static CURRENT: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static SITES: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn foreign(file: &str) -> bool {
    let f = file.replace('\\', "/");
    f.contains("vendor/pdf-extract/") || f.contains("/.cargo/registry/")
}

fn install_hook() {
    let strict = std::env::var("PORTOLAN_FUZZ_STRICT").unwrap_or_default();
    let save_dir = std::env::var_os("PORTOLAN_FUZZ_PANIC_DIR").map(std::path::PathBuf::from);
    std::panic::set_hook(Box::new(move |info| {
        let site = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "unknown".into());
        let is_foreign = info.location().is_some_and(|l| foreign(l.file()));
        let strict_here = strict == "1" || (!strict.is_empty() && site.contains(strict.as_str()));
        if strict_here || !is_foreign {
            eprintln!("{info}");
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
            std::process::abort();
        }
        let Ok(mut sites) = SITES.lock() else { return };
        if sites.insert(site.clone()) {
            let msg = info.to_string();
            let msg: String = msg.lines().last().unwrap_or("").chars().take(200).collect();
            eprintln!("foreign panic site #{}: {site}: {msg}", sites.len());
            if let Some(dir) = &save_dir {
                // "pdf-extract-lib.rs-1009-74", "adobe-cmap-parser-0.4.1-lib.rs-181-89"
                let short = site.rsplit("/").take(3).collect::<Vec<_>>();
                let krate = short.get(2).copied().unwrap_or("");
                let krate = if krate == "pdf-extract" || krate.starts_with("pdf-extract-") {
                    "pdf-extract"
                } else {
                    krate
                };
                let name: String = format!("{krate}-{}", short[0])
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' })
                    .collect();
                if let Ok(input) = CURRENT.try_lock() {
                    let _ = std::fs::create_dir_all(dir);
                    let _ = std::fs::write(dir.join(name), &*input);
                }
            }
        }
    }));
}

fuzz_target!(|data: &[u8]| {
    HOOK.call_once(install_hook);
    if let Ok(mut c) = CURRENT.lock() {
        c.clear();
        c.extend_from_slice(data);
    }
    let decoded = std::panic::catch_unwind(|| portolan::decode::decode(data, Format::Pdf));
    if let Ok(Ok(doc)) = decoded {
        // not inside catch_unwind: a panic here is portolan's and the hook aborts
        common::understand_and_check(&doc);
    }
});
