# portolan: vendor port chapters in, one canonical port dataset out.

# list the recipes
default:
    @just --list

# extract the bundled fixtures (or PATHS) into out/
run *PATHS:
    cargo run --release -- extract {{PATHS}} --out out

# run every test (unit, golden files, command line)
test:
    cargo test

# rewrite golden/ from the current output; check every changed row by eye before committing
bless:
    PORTOLAN_BLESS=1 cargo test --test golden
    PORTOLAN_BLESS=1 cargo test --test diff release_pairs_match_their_golden_reports
    git status --short golden/

# formatting and lints, as CI runs them
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets -- -D warnings

# benchmark: documents/s, MB/s and peak memory on a generated corpus (BENCH_DOCS=2000)
bench:
    cargo bench --bench extract

# language detection: detections/s, peak memory, binary size
bench-lang:
    cargo build --release
    cargo bench --bench lang

# what changed between two releases (datasets or documents): Markdown, JSON and HTML in out-diff/
diff OLD NEW:
    mkdir -p out-diff
    cargo run --release -- diff {{OLD}} {{NEW}} --md out-diff/diff.md --json out-diff/diff.json --html out-diff/diff.html

# extract the real seeds and corpus from ../shared into out-shared/
shared:
    cargo run --release -- extract ../shared/seeds ../shared/corpus --out out-shared

# fuzz the port-cell grammar and the text decoder (needs nightly and cargo-fuzz)
fuzz TARGET="decode_text":
    cd fuzz && cargo +nightly fuzz run {{TARGET}} -- -max_total_time=60

# PDF benchmark: portolan vs pdftotext -layout vs pdfplumber, 1 core and all cores (BENCH_PDF_COPIES=40)
bench-pdf:
    cargo build --release
    python3 benches/pdf_compare.py

# every real document with truth, scored per document and in total, against the last commit's
# numbers in corpus-scores.txt (UPDATE=1 just corpus rewrites them)
corpus:
    scripts/corpus.sh
