# portolan: vendor port chapters in, one canonical port dataset out.

# list the recipes
default:
    @just --list

# extract the bundled fixtures (or PATHS) into out/
run *PATHS:
    cargo run --release -- extract {{PATHS}} --out out

# the firewall request for DATASET (out/ports.json by default) as FORMAT (csv, md, nftables,
# iptables, aws-sg, azure-nsg)
rules DATASET="out/ports.json" FORMAT="md":
    cargo run --release -- rules {{DATASET}} --format {{FORMAT}}

# the fixtures' dataset as SQLite (out/ports.db), and the README's Finesse query on it
sqlite:
    cargo run --release -- extract fixtures/corpus --out out --sqlite out/ports.db
    sqlite3 -header -column out/ports.db "SELECT destination AS host, transport, group_concat(port_start, ', ') AS ports FROM rules WHERE product = 'Finesse' AND release = '12.6(1)' GROUP BY destination, transport;"

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

# diff at 10k, 100k and 1M records next to GNU diff: wall time and peak memory
bench-diff:
    cargo bench --bench diff

# what changed between two releases (datasets or documents): Markdown, JSON and HTML in out-diff/
diff OLD NEW:
    mkdir -p out-diff
    cargo run --release -- diff {{OLD}} {{NEW}} --md out-diff/diff.md --json out-diff/diff.json --html out-diff/diff.html

# extract the real seeds and corpus from ../shared into out-shared/
shared:
    cargo run --release -- extract ../shared/seeds ../shared/corpus --out out-shared

# new inputs go to fuzz/work/TARGET, crashes to fuzz/artifacts/TARGET, the log to
# fuzz/logs/TARGET.log; CARGO_TARGET_DIR is honoured; `cd fuzz && cargo fuzz list` names them;
# text inputs up to 64 KiB from the start (-len_control=0), PDFs up to 256 KiB
# fuzz one target for SECS seconds (needs nightly and cargo-fuzz)
fuzz TARGET="decode_text" SECS="60":
    #!/usr/bin/env bash
    set -euo pipefail
    mkdir -p fuzz/work/{{TARGET}} fuzz/corpus/{{TARGET}} fuzz/logs
    # seeds: the fixtures of the target's format (fuzz/corpus/TARGET holds only seeds found
    # nowhere else)
    case {{TARGET}} in
      decode_text) exts="txt text" ;; decode_markdown) exts="md markdown" ;;
      decode_html) exts="html htm" ;; decode_asciidoc) exts="adoc asciidoc" ;;
      decode_rst) exts="rst rest" ;; decode_csv) exts="csv tsv" ;; decode_pdf) exts="pdf" ;;
      *) exts="" ;;
    esac
    for e in $exts; do
        find fixtures -type f -name "*.$e" -exec cp -n {} fuzz/work/{{TARGET}}/ \;
    done
    cd fuzz
    RAYON_NUM_THREADS=1 PORTOLAN_FUZZ_PANIC_DIR=artifacts/{{TARGET}}/foreign \
        nice -n 10 cargo +nightly fuzz run {{TARGET}} work/{{TARGET}} corpus/{{TARGET}} -- \
        -max_total_time={{SECS}} -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 \
        {{ if TARGET == "decode_pdf" { "-max_len=262144" } else { "-max_len=65536 -len_control=0" } }} \
        2>&1 | tee logs/{{TARGET}}.log

# a summary (runs, coverage) at the end; fails if any target crashed
# run every fuzz target for SECS seconds each, one after the other
fuzz-all SECS="60":
    #!/usr/bin/env bash
    set -u
    cd fuzz && nice -n 10 cargo +nightly fuzz build || exit 1
    cd ..
    failed=""
    targets="port_cell decode_text decode_markdown decode_html decode_asciidoc decode_rst decode_csv decode_pdf"
    for t in $targets; do
        {{just_executable()}} fuzz "$t" {{SECS}} || failed="$failed $t"
    done
    echo
    for t in $targets; do
        runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' fuzz/logs/$t.log | tail -1)
        cov=$(grep -E '^#[0-9]+' fuzz/logs/$t.log | grep -o 'cov: [0-9]* ft: [0-9]*' | tail -1)
        echo "$t: ${runs:-no final line (crashed?)}, $cov"
    done
    if [ -n "$failed" ]; then echo "crashed:$failed (inputs in fuzz/artifacts/)"; exit 1; fi

# PDF benchmark: portolan vs pdftotext -layout, pdfplumber and PyMuPDF, many PDFs and one big PDF per print engine, 1 core and all cores
bench-pdf:
    cargo build --release
    python3 benches/pdf_compare.py

# every real document with truth, scored per document and in total, against the last commit's
# numbers in corpus-scores.txt (UPDATE=1 just corpus rewrites them)
corpus:
    scripts/corpus.sh
