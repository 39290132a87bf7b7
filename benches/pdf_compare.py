#!/usr/bin/env python3
"""Side-by-side PDF benchmark: portolan vs pdftotext -layout vs pdfplumber extract_tables().

Run from the project root after `cargo build --release` (or `just bench-pdf`):

    python3 benches/pdf_compare.py

Corpus: every fixtures/pdf/*.pdf copied BENCH_PDF_COPIES times (default 40) into
target/bench-pdf/corpus/ under distinct names. Each tool runs once with 1 core and once with
N cores (N = BENCH_JOBS, default `nproc`). Before timing, the corpus is read once (page cache)
and each tool is warmed up on one copy of the fixtures. portolan and pdftotext run
BENCH_REPEAT times (default 3, interleaved), pdfplumber BENCH_PLUMBER_REPEAT times (default 1);
the table shows the median time and the largest peak memory. The machine should be otherwise
idle: the 1-minute load average before/after is printed with the notes.

What is timed (wall clock, time.perf_counter around a subprocess, so process start-up and, for
pdfplumber, the Python import are included):
  portolan    `portolan extract DIR --out OUT -q --stats -j J`
  pdftotext   `pdftotext -layout FILE OUT.txt` per file; sequential, or J concurrent processes
  pdfplumber  `page.extract_tables()` on every page; one process, or a multiprocessing Pool of J

Peak memory:
  portolan    peak_rss_kib (parent) + worker_peak_rss_kib (sum of the PDF workers' VmHWM),
              from `--stats`
  pdftotext   max RSS of the largest single pdftotext process (getrusage RUSAGE_CHILDREN of a
              driver process that only runs pdftotext); with J in parallel, up to J of them are
              resident at once
  pdfplumber  1 core: ru_maxrss of the process; J cores: parent + sum of each pool worker's
              ru_maxrss (forked workers share some pages, so this slightly over-counts)

Second table: one big PDF per print engine. The fixtures one engine printed
(fixtures/pdf/*.ENGINE.pdf: chromium, libreoffice, weasyprint) are joined with pdfunite into one
document of at least BENCH_BIG_PAGES pages (default 48), and each tool reads that one file, on
1 core (the process and its children pinned to CPU 0 with sched_setaffinity) and on all cores:
  portolan    `portolan extract FILE --out OUT -q --stats` (pages laid out in parallel inside
              the document's worker)
  pdftotext   `pdftotext -layout FILE OUT.txt`, started directly (under GNU time for its peak)
  pdfplumber  `page.extract_tables()` on every page (one process)
  PyMuPDF     `page.find_tables()` on every page (one process; left out if not installed)
Each runs BENCH_REPEAT times (default 3, interleaved; pdfplumber and PyMuPDF
BENCH_PLUMBER_REPEAT); the table shows the median seconds, pages/s, the largest peak memory and
portolan's ratio to pdftotext (wall time; below 1.00 portolan is faster).

Only the python3 standard library, pdfplumber and (optionally) PyMuPDF are needed, plus
poppler-utils: `pip install pdfplumber pymupdf`.
"""

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "pdf"
WORK = ROOT / "target" / "bench-pdf"
CORPUS = WORK / "corpus"
WARM = WORK / "warm"
BUILT = ROOT / "target" / "release" / "portolan"
# a private copy, so that a rebuild during the run cannot change the binary under test
# (the PDF workers are started from the running executable, i.e. this copy too)
PORTOLAN = WORK / "portolan"


def kib_to_mib(k):
    return k / 1024.0


# --------------------------------------------------------------------------------------------
# child drivers (run as `pdf_compare.py --child TOOL JOBS DIR [OUTDIR]` in a fresh process so
# that getrusage only sees that tool)
# --------------------------------------------------------------------------------------------


def _pdftotext_one(args):
    src, dst = args
    r = subprocess.run(
        ["pdftotext", "-layout", src, dst],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return src, r.returncode, r.stderr.decode("utf-8", "replace").strip()[:200]


def child_pdftotext(jobs, src_dir, out_dir):
    from concurrent.futures import ThreadPoolExecutor

    files = sorted(str(p) for p in Path(src_dir).glob("*.pdf"))
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    work = [(f, str(Path(out_dir) / (Path(f).stem + ".txt"))) for f in files]
    if jobs <= 1:
        results = [_pdftotext_one(w) for w in work]
    else:
        # threads only wait on the processes: J pdftotext processes run at once
        with ThreadPoolExecutor(max_workers=jobs) as ex:
            results = list(ex.map(_pdftotext_one, work))
    failures = [(Path(s).name, rc, err) for s, rc, err in results if rc != 0]
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"files": len(files), "peak_kib": ru.ru_maxrss, "failures": failures}))


def _quiet_pdfminer():
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    logging.getLogger("pdfplumber").setLevel(logging.ERROR)


def _plumber_one(path):
    _quiet_pdfminer()
    import pdfplumber

    pages = tables = 0
    err = None
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                tables += len(page.extract_tables())
                pages += 1
                page.flush_cache()
    except Exception as e:  # report, do not abort the run
        err = f"{type(e).__name__}: {e}"[:200]
    return {
        "file": Path(path).name,
        "pages": pages,
        "tables": tables,
        "error": err,
        "pid": os.getpid(),
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def child_pdfplumber(jobs, src_dir):
    files = sorted(str(p) for p in Path(src_dir).glob("*.pdf"))
    if jobs <= 1:
        results = [_plumber_one(f) for f in files]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    else:
        import multiprocessing as mp

        # the parent never imports pdfplumber, so forked workers start small
        with mp.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_plumber_one, files, chunksize=1)
        per_worker = {}
        for r in results:
            per_worker[r["pid"]] = max(per_worker.get(r["pid"], 0), r["maxrss"])
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + sum(per_worker.values())
    print(
        json.dumps(
            {
                "files": len(files),
                "pages": sum(r["pages"] for r in results),
                "tables": sum(r["tables"] for r in results),
                "peak_kib": peak,
                "failures": [(r["file"], r["error"]) for r in results if r["error"]],
            }
        )
    )


def child_pymupdf(src_dir):
    import pymupdf

    files = sorted(str(p) for p in Path(src_dir).glob("*.pdf"))
    pages = tables = 0
    failures = []
    for f in files:
        try:
            with pymupdf.open(f) as doc:
                for page in doc:
                    tables += len(page.find_tables().tables)
                    pages += 1
        except Exception as e:  # report, do not abort the run
            failures.append((Path(f).name, f"{type(e).__name__}: {e}"[:200]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"files": len(files), "pages": pages, "tables": tables, "peak_kib": peak,
             "failures": failures}
        )
    )


def have_pymupdf():
    r = subprocess.run([sys.executable, "-c", "import pymupdf"], capture_output=True)
    return r.returncode == 0


# --------------------------------------------------------------------------------------------
# the benchmark
# --------------------------------------------------------------------------------------------


def run_timed(cmd, ok_codes=(0,), one_core=False):
    # pinned to CPU 0 before exec: the tool and everything it starts see one core
    pin = (lambda: os.sched_setaffinity(0, {0})) if one_core else None
    t0 = time.perf_counter()
    r = subprocess.run(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, preexec_fn=pin
    )
    secs = time.perf_counter() - t0
    if r.returncode not in ok_codes:
        sys.stderr.write(r.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"{' '.join(map(str, cmd))}: exit {r.returncode}")
    return secs, r


def child_cmd(*args):
    return [sys.executable, str(Path(__file__).resolve()), "--child", *map(str, args)]


def pages_of(pdf):
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    if not m:
        raise SystemExit(f"pdfinfo: no page count for {pdf}")
    return int(m.group(1))


def build_corpus(copies):
    fixtures = sorted(FIXTURES.glob("*.pdf"))
    if not fixtures:
        raise SystemExit(f"no PDFs in {FIXTURES}")
    for d in (CORPUS, WARM):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    pages = 0
    for f in fixtures:
        n = pages_of(f)
        shutil.copyfile(f, WARM / f.name)
        for i in range(copies):
            shutil.copyfile(f, CORPUS / f"{f.stem}.c{i:03d}.pdf")
        pages += n * copies
    # page cache
    for p in CORPUS.iterdir():
        p.read_bytes()
    return fixtures, copies * len(fixtures), pages


def run_portolan(src, out, jobs):
    shutil.rmtree(out, ignore_errors=True)
    secs, r = run_timed(
        [PORTOLAN, "extract", src, "--out", out, "-q", "--stats", "-j", str(jobs)], ok_codes=(0, 2)
    )
    err = r.stderr.decode("utf-8", "replace")
    m = re.search(r"^stats: (.*)$", err, re.M)
    if not m:
        raise SystemExit(f"portolan printed no stats line:\n{err}")
    stats = dict(kv.split("=", 1) for kv in m.group(1).split())
    report = json.loads((Path(out) / "report.json").read_text())
    failures = [(d["document"], d["error"]) for d in report["documents"] if d.get("error")]
    return secs, stats, r.returncode, failures


ENGINES = ("chromium", "libreoffice", "weasyprint")


def build_big(engine, min_pages):
    """One PDF of at least `min_pages` pages from the fixtures `engine` printed (None if none)."""
    fixtures = sorted(FIXTURES.glob(f"*.{engine}.pdf"))
    if not fixtures:
        return None, 0
    pages = {f: pages_of(f) for f in fixtures}
    parts, n = [], 0
    while n < min_pages:
        for f in fixtures:
            parts.append(str(f))
            n += pages[f]
    d = WORK / "big" / engine
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    out = d / f"big.{engine}.pdf"
    subprocess.run(["pdfunite", *parts, str(out)], check=True)
    out.read_bytes()  # page cache
    return out, pages_of(out)


def big_pdf_section(ncores, repeat, plumber_repeat):
    """The second table: one big PDF per print engine, every tool, 1 core and all cores."""
    min_pages = int(os.environ.get("BENCH_BIG_PAGES", "48"))
    tools = ["portolan", "pdftotext -layout", "pdfplumber extract_tables"]
    if have_pymupdf():
        tools.append("PyMuPDF find_tables")
    modes = [1] if ncores == 1 else [1, ncores]
    rows = []  # (engine, pages, tool, {jobs: (secs, peak_kib)})
    for engine in ENGINES:
        big, pages = build_big(engine, min_pages)
        if big is None:
            continue
        res = {}
        for t in tools:
            for j in modes:
                n = repeat if t in ("portolan", "pdftotext -layout") else plumber_repeat
                times, peaks = [], []
                for _ in range(n):
                    one = j == 1
                    if t == "portolan":
                        out = WORK / "big" / engine / "out"
                        shutil.rmtree(out, ignore_errors=True)
                        secs, r = run_timed(
                            [PORTOLAN, "extract", big, "--out", out, "-q", "--stats"],
                            ok_codes=(0, 2), one_core=one,
                        )
                        m = re.search(r"^stats: (.*)$", r.stderr.decode(), re.M)
                        st = dict(kv.split("=", 1) for kv in m.group(1).split())
                        peak = int(st["peak_rss_kib"]) + int(st["worker_peak_rss_kib"])
                    elif t == "pdftotext -layout":
                        # pdftotext itself, no Python driver (its start-up would be timed);
                        # GNU time writes the peak to a file
                        peak_file = WORK / "big" / engine / "peak"
                        secs, r = run_timed(
                            ["/usr/bin/time", "-f", "%M", "-o", peak_file, "pdftotext",
                             "-layout", big, WORK / "big" / engine / "big.txt"],
                            one_core=one,
                        )
                        peak = int(peak_file.read_text().split()[-1])
                    elif t == "pdfplumber extract_tables":
                        secs, r = run_timed(child_cmd("pdfplumber", 1, big.parent), one_core=one)
                        peak = json.loads(r.stdout)["peak_kib"]
                    else:
                        secs, r = run_timed(child_cmd("pymupdf", 1, big.parent), one_core=one)
                        peak = json.loads(r.stdout)["peak_kib"]
                    times.append(secs)
                    peaks.append(peak)
                times.sort()
                res[(t, j)] = (times[len(times) // 2], max(peaks))
                print(f"big {engine} ({pages} pages) {t} {j}j: {res[(t, j)][0]:.3f}s", file=sys.stderr)
        rows.append((engine, pages, res))

    print(f"\nOne big PDF per print engine (fixtures joined to >= {min_pages} pages)\n")
    head = " | ".join(f"{'1 core' if j == 1 else f'{j} cores'} s | pages/s | MiB" for j in modes)
    print(f"| engine | pages | tool | {head} | vs pdftotext |")
    print("|---|---:|---|" + "---:|---:|---:|" * len(modes) + "---|")
    for engine, pages, res in rows:
        for t in tools:
            cells = []
            for j in modes:
                secs, peak = res[(t, j)]
                cells.append(f"{secs:.3f} | {pages / secs:.0f} | {kib_to_mib(peak):.1f}")
            ratio = " / ".join(
                f"{res[(t, j)][0] / res[('pdftotext -layout', j)][0]:.2f}x" for j in modes
            )
            print(f"| {engine} | {pages} | {t} | {' | '.join(cells)} | {ratio} |")
    print(
        "\nvs pdftotext: wall time over pdftotext's on the same file "
        + " / ".join("1 core" if j == 1 else f"{j} cores" for j in modes)
        + " (below 1.00x: faster than pdftotext)."
    )


def main():
    copies = int(os.environ.get("BENCH_PDF_COPIES", "40"))
    ncores = int(os.environ.get("BENCH_JOBS", "0")) or os.cpu_count() or 1
    if not BUILT.is_file():
        raise SystemExit(f"{BUILT} missing: run `cargo build --release` first")
    for tool in ("pdftotext", "pdfinfo", "pdfunite"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} not found (install poppler-utils)")

    fixtures, nfiles, npages = build_corpus(copies)
    shutil.copy2(BUILT, PORTOLAN)
    sys.stderr.flush()
    print(
        f"corpus: {len(fixtures)} fixtures x {copies} copies = {nfiles} PDFs, {npages} pages "
        f"({CORPUS.relative_to(ROOT)}); {ncores} cores",
        file=sys.stderr,
    )
    modes = [1] if ncores == 1 else [1, ncores]

    # warm-up: each tool once on one copy of the fixtures
    run_portolan(WARM, WORK / "out-warm", ncores)
    run_timed(child_cmd("pdftotext", 1, WARM, WORK / "txt-warm"))
    run_timed(child_cmd("pdfplumber", 1, WARM))

    # Fast tools run BENCH_REPEAT times (default 3), interleaved so that background load hits
    # both alike; pdfplumber runs BENCH_PLUMBER_REPEAT times (default 1). Seconds = median run,
    # peak memory = max over runs.
    repeat = max(1, int(os.environ.get("BENCH_REPEAT", "3")))
    plumber_repeat = max(1, int(os.environ.get("BENCH_PLUMBER_REPEAT", "1")))
    load_before = os.getloadavg()
    runs = {}  # (tool, jobs) -> [(files, secs, peak_kib)]
    notes = set()
    records = {}

    def add(key, files, secs, peak):
        runs.setdefault(key, []).append((files, secs, peak))

    for rep in range(repeat):
        for j in modes:
            out = WORK / f"out-j{j}"
            secs, stats, rc, failures = run_portolan(CORPUS, out, j)
            peak = int(stats["peak_rss_kib"]) + int(stats["worker_peak_rss_kib"])
            add(("portolan", j), int(stats["documents"]), secs, peak)
            records.setdefault(j, set()).add(int(stats["records"]))
            print(
                f"[{rep + 1}/{repeat}] portolan -j {j}: {secs:.2f}s "
                f"(internal {float(stats['seconds']):.2f}s), records={stats['records']}, exit {rc}, "
                f"parent {stats['peak_rss_kib']} KiB + workers {stats['worker_peak_rss_kib']} KiB",
                file=sys.stderr,
            )
            by_src = {}
            for doc, e in failures:
                key = re.sub(r"\.c\d{3}\.pdf$", ".pdf", doc)
                by_src[(key, e)] = by_src.get((key, e), 0) + 1
            for (key, e), n in sorted(by_src.items()):
                notes.add(f"portolan -j {j}: {n} x {key}: {e}")

            secs, r = run_timed(child_cmd("pdftotext", j, CORPUS, WORK / f"txt-j{j}"))
            res = json.loads(r.stdout)
            add(("pdftotext -layout", j), res["files"], secs, res["peak_kib"])
            print(f"[{rep + 1}/{repeat}] pdftotext -j {j}: {secs:.2f}s", file=sys.stderr)
            for f, rc, e in res["failures"]:
                notes.add(f"pdftotext -j {j}: {f}: exit {rc} {e}")

    for rep in range(plumber_repeat):
        for j in modes:
            secs, r = run_timed(child_cmd("pdfplumber", j, CORPUS))
            res = json.loads(r.stdout)
            add(("pdfplumber extract_tables", j), res["files"], secs, res["peak_kib"])
            if res["pages"] != npages:
                notes.add(f"pdfplumber -j {j}: saw {res['pages']} pages, pdfinfo says {npages}")
            for f, e in res["failures"]:
                notes.add(f"pdfplumber -j {j}: {f}: {e}")
            print(
                f"[{rep + 1}/{plumber_repeat}] pdfplumber -j {j}: {secs:.2f}s, "
                f"tables={res['tables']}",
                file=sys.stderr,
            )
    load_after = os.getloadavg()

    rows = []  # (tool, jobs, files, pages, secs, peak_kib)
    for tool in ("portolan", "pdftotext -layout", "pdfplumber extract_tables"):
        for j in modes:
            rs = runs[(tool, j)]
            times = sorted(r[1] for r in rs)
            rows.append((tool, j, rs[0][0], npages, times[len(times) // 2], max(r[2] for r in rs)))
            if len(times) > 1:
                notes.add(
                    f"{tool} {j}j: {len(times)} runs, {times[0]:.2f}-{times[-1]:.2f}s (median shown)"
                )
    notes = sorted(notes)

    if len({n for v in records.values() for n in v}) > 1:
        notes.append(f"portolan record counts differ between runs: {records}")
    notes.append(
        "load average (1 min) before/after: "
        f"{load_before[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} CPUs"
    )

    print(f"PDF benchmark: {nfiles} PDFs, {npages} pages ({len(fixtures)} fixtures x {copies})\n")
    print("| tool | mode | files | pages | seconds | pages/s | peak memory MiB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    rate = {}
    for tool, j, files, pages, secs, peak in rows:
        mode = "1 core" if j == 1 else f"{j} cores"
        rate[(tool, j)] = pages / secs
        print(
            f"| {tool} | {mode} | {files} | {pages} | {secs:.2f} | {pages / secs:.1f} | "
            f"{kib_to_mib(peak):.1f} |"
        )
    print()
    print(
        "Peak memory: portolan = parent + sum of PDF workers; pdftotext = largest single process; "
        "pdfplumber = process (1 core) or parent + sum of pool workers."
    )
    parts = []
    for j in modes:
        p = rate[("portolan", j)]
        t = rate[("pdftotext -layout", j)]
        b = rate[("pdfplumber extract_tables", j)]
        mode = "1 core" if j == 1 else f"{j} cores"
        parts.append(f"{mode}: {p / t:.2f}x pdftotext, {p / b:.1f}x pdfplumber")
    print("portolan pages/s vs: " + "; ".join(parts))
    sys.stdout.flush()
    if notes:
        print("\nNotes:")
        for n in notes:
            print(f"- {n}")
    sys.stdout.flush()
    big_pdf_section(ncores, repeat, plumber_repeat)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        tool, jobs = sys.argv[2], int(sys.argv[3])
        if tool == "pdftotext":
            child_pdftotext(jobs, sys.argv[4], sys.argv[5])
        elif tool == "pdfplumber":
            child_pdfplumber(jobs, sys.argv[4])
        elif tool == "pymupdf":
            child_pymupdf(sys.argv[4])
        else:
            raise SystemExit(f"unknown child {tool}")
    else:
        main()
