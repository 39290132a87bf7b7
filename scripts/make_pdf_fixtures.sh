#!/usr/bin/env bash
# Regenerates every PDF fixture from its HTML source, with two real producers:
#
#   fixtures/pdf/<stem>.chromium.pdf     Chromium headless print-to-PDF (tagged: StructTreeRoot)
#   fixtures/pdf/<stem>.libreoffice.pdf  LibreOffice Writer (untagged)
#   fixtures/pdf/<stem>.weasyprint.pdf   WeasyPrint (untagged)
#   fixtures/pdf/<stem>.<producer>.pdf.meta.toml   copy of the source's sidecar
#
# and the broken PDFs for the decoder's error tests (kept out of fixtures/ so that the main run
# stays clean):
#
#   tests/data/bad-pdf/{encrypted,encrypted_empty_user,truncated,random,bomb,deep}.pdf and the
#   bombs bomb_{chain,tounicode,objstm}.pdf
#
# The tests never run this script; its outputs are committed. It needs chromium, soffice
# (LibreOffice), qpdf, poppler-utils, python3, fonts-liberation2 and fonts-noto-cjk (Debian packages), and
# weasyprint (PyPI).
#
# usage: scripts/make_pdf_fixtures.sh            every HTML fixture, the broken PDFs, a summary
#        scripts/make_pdf_fixtures.sh HTML...    only these sources' prints (a new fixture)
#
# Notes
# - Running page headers and footers: Chromium prints the CSS @page margin boxes
#   (@top-center, @bottom-right, ...; Chromium >= 131) and --no-pdf-header-footer drops its own
#   date/URL lines. LibreOffice ignores margin boxes; it takes <div title="header"> and
#   <div title="footer"> (with an <sdfield type=PAGE> page number) as the page header and footer.
#   The pages hide those divs from Chromium with @media print. Pages without an @page rule (the
#   Finesse pages) get both from a print stylesheet added to a temporary copy; the sources in
#   fixtures/html/ are never changed.
# - LibreOffice converts through the Writer HTML filter, HTML -> ODT -> PDF. A direct
#   writer_web_pdf_Export conversion (Writer/Web) left page 1 blank and dropped the first heading
#   and the page headers, and a direct HTML -> PDF conversion in Writer left the header and footer
#   off some pages; the second step lays the document out completely.
# - Determinism: SOURCE_DATE_EPOCH (default 2024-01-01) replaces the creation and modification
#   dates, and LibreOffice's random /ID and /DocChecksum are replaced by a hash of the file, so
#   reruns are byte-identical. qpdf encrypts with random salts; the encrypted files are only
#   rewritten when their decrypted content changes.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
export TZ=UTC LC_ALL=C.UTF-8

# Every HTML fixture is printed by every engine (tests/golden.rs compares each print's records
# with its source's).
if [ $# -gt 0 ]; then
  SOURCES=("$@")
else
  SOURCES=(fixtures/html/*.html)
fi
OUT=fixtures/pdf
BAD=tests/data/bad-pdf

for tool in chromium soffice weasyprint qpdf pdfinfo pdftotext pdffonts python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/portolan-pdf.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT" "$BAD" "$WORK/print" "$WORK/lo"

# A print copy of a source: unchanged if it has its own @page rule, else with a print stylesheet
# (page size, margin boxes) and LibreOffice header/footer divs added. Prints the copy's path.
print_copy() {
  local src=$1 dst="$WORK/print/$(basename "$1")"
  python3 - "$src" "$dst" <<'PY'
import re, sys
src, dst = sys.argv[1], sys.argv[2]
raw = open(src, "rb").read()
# the declared charset (windows-1252, Shift_JIS fixtures); the copy is written as UTF-8
m = re.search(rb'<meta[^>]*charset=["\']?([A-Za-z0-9_-]+)', raw[:4096], re.I)
charset = m.group(1).decode() if m else "utf-8"
html = raw.decode(charset)
if m:
    html = re.sub(r'(<meta[^>]*charset=["\']?)[A-Za-z0-9_-]+', r"\g<1>utf-8", html, count=1, flags=re.I)
if "@page" not in html:
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    running = title.split(" - ")[0].strip()          # "Cisco Finesse Port Utilization Guide"
    ja = re.search(r'<html[^>]*lang="ja', html) is not None
    page = '"ページ " counter(page)' if ja else '"Page " counter(page)'
    page_lo = "ページ" if ja else "Page"
    # Sans everywhere (LibreOffice would use serif); Japanese text in Noto Sans CJK JP.
    # Liberation Sans (Arial's metrics): a seven-column table fits A4 in LibreOffice, whose tables
    # never shrink below their longest words (in DejaVu Sans they run off the page).
    fonts = '"Liberation Sans", "Noto Sans CJK JP", sans-serif' if ja else '"Liberation Sans", sans-serif'
    style = (
        "<style>\n"
        "@page { size: A4; margin: 18mm 12mm;\n"
        f'  @top-center {{ content: "{running}"; font-size: 9pt }}\n'
        f"  @bottom-right {{ content: {page}; font-size: 9pt }} }}\n"
        "@media print { .lo-running { display: none } }\n"
        f"body, h1, h2, h3, h4, p, li, dt, dd, caption, th, td {{ font-family: {fonts} }}\n"
        "</style>\n"
    )
    divs = (
        f'<div title="header" class="lo-running"><p>{running}</p></div>\n'
        f'<div title="footer" class="lo-running"><p>{page_lo} '
        '<sdfield type=PAGE subtype=RANDOM format=PAGE>1</sdfield></p></div>\n'
    )
    # What a doc site's print stylesheet leaves out: site header, navigation, breadcrumb,
    # sidebar, footer and scripts (LibreOffice ignores @media print, so they are removed).
    for pat in (r"<header\b.*?</header>", r"<nav\b.*?</nav>", r"<footer\b.*?</footer>",
                r"<script\b.*?</script>", r'<div class="breadcrumb">.*?</div>',
                r'<div class="sidebar">.*?</div>', r'<div class="toc">.*?</div>',
                r'<div class="menu">.*?</div>', r'<div class="site-footer">.*?</div>',
                r"<aside\b.*?</aside>"):
        html = re.sub(pat, "", html, flags=re.S)
    # Tables as wide as the page, as a print stylesheet sets them: LibreOffice ignores the CSS
    # and lays out a table without a width as wide as its longest cells, off the page's edge.
    html = re.sub(r"<table\b(?![^>]*\bwidth=)", '<table width="100%"', html)
    html = html.replace("</head>", style + "</head>", 1)
    html = re.sub(r"(<body[^>]*>\n?)", lambda m: m.group(1) + divs, html, count=1)
open(dst, "w", encoding="utf-8").write(html)
PY
  echo "$dst"
}

# Fixed dates (SOURCE_DATE_EPOCH) and a content-derived /ID, written in place; the lengths do not
# change, so the xref offsets stay valid.
normalize() {
  python3 - "$1" <<'PY'
import hashlib, os, re, sys, time
path = sys.argv[1]
data = open(path, "rb").read()
stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(int(os.environ["SOURCE_DATE_EPOCH"])))
data = re.sub(rb"D:\d{14}", b"D:" + stamp.encode(), data)
# LibreOffice: /ID [<hex> <hex>] and /DocChecksum /hex in the trailer (both hash the time).
ids = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
checksum = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")
spans = [m.span(g) for pat, groups in ((ids, (1, 2)), (checksum, (1,)))
         for m in [pat.search(data)] if m for g in groups]
if spans:
    blank = bytearray(data)
    for a, b in spans:
        blank[a:b] = b"0" * (b - a)
    digest = hashlib.md5(bytes(blank)).hexdigest().upper().encode()
    for a, b in spans:
        data = data[:a] + (digest * 2)[: b - a] + data[b:]
open(path, "wb").write(data)
PY
}

chromium_pdf() {
  local html=$1 pdf=$2 profile
  profile=$(mktemp -d "$WORK/chromium.XXXXXX")
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --no-pdf-header-footer \
    --print-to-pdf="$ROOT/$pdf" "file://$html" >"$WORK/chromium.log" 2>&1 \
    || { cat "$WORK/chromium.log" >&2; exit 1; }
  rm -rf "$profile"
}

LO_PROFILE="file://$WORK/lo-profile"
libreoffice_pdf() {
  local html=$1 pdf=$2 stem
  stem=$(basename "$html" .html)
  rm -f "$WORK/lo/$stem.odt" "$WORK/lo/$stem.pdf"
  soffice -env:UserInstallation="$LO_PROFILE" --headless --infilter="HTML (StarWriter)" \
    --convert-to odt --outdir "$WORK/lo" "$html" >"$WORK/lo.log" 2>&1
  soffice -env:UserInstallation="$LO_PROFILE" --headless \
    --convert-to 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"false"}}' \
    --outdir "$WORK/lo" "$WORK/lo/$stem.odt" >>"$WORK/lo.log" 2>&1
  [ -s "$WORK/lo/$stem.pdf" ] || { cat "$WORK/lo.log" >&2; exit 1; }
  mv "$WORK/lo/$stem.pdf" "$pdf"
}

# WeasyPrint (PyPI: pip install weasyprint): CSS paged media, no padding between cells unless
# the page sets it, cells centred vertically.
weasyprint_pdf() {
  weasyprint --quiet --base-url "$ROOT/fixtures/html/" "$1" "$2"
}

for src in "${SOURCES[@]}"; do
  stem=$(basename "$src" .html)
  copy=$(print_copy "$src")
  for producer in chromium libreoffice weasyprint; do
    pdf="$OUT/$stem.$producer.pdf"
    echo "$pdf"
    "${producer}_pdf" "$copy" "$pdf"
    normalize "$pdf"
    qpdf --check "$pdf" >/dev/null
    cp "$src.meta.toml" "$pdf.meta.toml"
  done
done

# Prints portolan does not read right yet are kept out of fixtures/ (tests/golden.rs measures
# them in known_gap_pdfs_invent_no_port; KNOWN_GAP_PDFS there names them).
GAPS=tests/data/pdf-known-gaps
mkdir -p "$GAPS"
for stem in ccp_en.weasyprint; do
  if [ -f "$OUT/$stem.pdf" ]; then mv "$OUT/$stem.pdf" "$OUT/$stem.pdf.meta.toml" "$GAPS/"; fi
done

# only the sources named: no broken PDFs, no summary
[ $# -gt 0 ] && exit 0

# ---------------------------------------------------------------------------------------------
# Broken PDFs for the decoder's error tests.
echo "$BAD/"
SMALL="$OUT/recorder_landscape_en.libreoffice.pdf"

# qpdf draws random salts, so an encrypted file differs on every run; an existing file is kept
# when it decrypts to the same document as the new one.
encrypt() {  # USER OWNER OUT
  qpdf --encrypt "$1" "$2" 256 -- "$SMALL" "$WORK/encrypted.pdf"
  if [ -f "$3" ] && cmp -s \
      <(qpdf --password="$2" --decrypt --deterministic-id "$3" - 2>/dev/null) \
      <(qpdf --password="$2" --decrypt --deterministic-id "$WORK/encrypted.pdf" -); then
    rm "$WORK/encrypted.pdf"
  else
    mv "$WORK/encrypted.pdf" "$3"
  fi
}
# Cannot be opened without the user password.
encrypt user-secret owner-secret "$BAD/encrypted.pdf"
# Opens without a password (empty user password), but every string and stream is AES-256
# encrypted and has to be decrypted with the key derived from the empty password.
encrypt "" owner "$BAD/encrypted_empty_user.pdf"

# The first 40% of a real fixture: no xref table, no trailer, a stream cut off in the middle.
TRUNC_SRC="$OUT/recorder_landscape_en.chromium.pdf"
head -c $(( $(stat -c %s "$TRUNC_SRC") * 40 / 100 )) "$TRUNC_SRC" >"$BAD/truncated.pdf"

python3 - "$BAD" <<'PY'
import hashlib, sys, zlib
bad = sys.argv[1]

# random.pdf: 4 KiB of pseudo-random bytes (SHA-256 in counter mode: the same on every machine).
stream = b"".join(hashlib.sha256(b"portolan random.pdf %d" % i).digest() for i in range(128))
open(f"{bad}/random.pdf", "wb").write(stream[:4096])


def write_pdf(path, objects):
    """objects: bodies of objects 1..n (bytes); writes a PDF with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    open(path, "wb").write(out)


def page_pdf(path, content, resources_extra=b""):
    write_pdf(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R\n"
        b"   /Resources << /Font << /F1 5 0 R >>" + resources_extra + b" >> >>",
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ])


# bomb.pdf: one FlateDecode content stream of about 1 MB that inflates to 1 GiB: a line of text
# and then spaces (PDF white space), compressed in 1 MiB pieces at level 9.
def inflate_to(total, head=b""):
    comp = zlib.compressobj(9)
    parts = [comp.compress(head)]
    chunk = b" " * (1 << 20)
    left = total - len(head)
    while left > 0:
        n = min(left, len(chunk))
        parts.append(comp.compress(chunk[:n]))
        left -= n
    parts.append(comp.flush())
    return b"".join(parts)

data = inflate_to(1 << 30, b"BT /F1 24 Tf 72 720 Td (Decompression bomb) Tj ET\n")
page_pdf(f"{bad}/bomb.pdf",
         b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")

# deep.pdf: the page's /Resources holds an array nested 10,000 deep ([[[...]]]).
DEPTH = 10_000
text = b"BT /F1 24 Tf 72 720 Td (Deep nesting) Tj ET\n"
page_pdf(f"{bad}/deep.pdf",
         b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
         b"\n   /XDeep " + b"[" * DEPTH + b"0" + b"]" * DEPTH)

# bomb_chain.pdf: a form XObject drawn by the page, whose stream is compressed twice
# ([/FlateDecode /FlateDecode]): a few KB that decode to 1 GiB. bomb_tounicode.pdf: the font's
# ToUnicode CMap, a single FlateDecode stream that inflates to 1 GiB. The page text stays.
once = inflate_to(1 << 30, b"BT /F1 24 Tf 72 700 Td (Inside the form) Tj ET\n")
twice = zlib.compress(once, 9)
text = b"BT /F1 24 Tf 72 720 Td (Chain bomb) Tj ET\n/X1 Do\n"
write_pdf(f"{bad}/bomb_chain.pdf", [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R\n"
    b"   /Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>",
    b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Filter [/FlateDecode /FlateDecode]"
    b" /Length %d >>\nstream\n" % len(twice) + twice + b"\nendstream",
])
cmap = inflate_to(1 << 30)
text = b"BT /F1 24 Tf 72 720 Td (ToUnicode bomb) Tj ET\n"
write_pdf(f"{bad}/bomb_tounicode.pdf", [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R\n"
    b"   /Resources << /Font << /F1 5 0 R >> >> >>",
    b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding"
    b" /ToUnicode 6 0 R >>",
    b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
])
# bomb_objstm.pdf: an object stream (which lopdf expands while it loads the file) compressed
# twice, a few KB that decode to 1 GiB: one small object, then spaces. The page does not need it.
objstm = zlib.compress(inflate_to(1 << 30, b"7 0 << /Unused true >>\n"), 9)
text = b"BT /F1 24 Tf 72 720 Td (Object stream bomb) Tj ET\n"
write_pdf(f"{bad}/bomb_objstm.pdf", [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R\n"
    b"   /Resources << /Font << /F1 5 0 R >> >> >>",
    b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    b"<< /Type /ObjStm /N 1 /First 4 /Filter [/FlateDecode /FlateDecode] /Length %d >>\nstream\n"
    % len(objstm) + objstm + b"\nendstream",
])
PY
ls -l "$BAD"

# ---------------------------------------------------------------------------------------------
# Summary: pages, size, page size, tagged (StructTreeRoot in the catalog), fonts.
echo
printf '%-44s %6s %8s  %-22s %s\n' file pages bytes "page size" tagged
for pdf in "$OUT"/*.pdf; do
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  size=$(pdfinfo "$pdf" | sed -n 's/^Page size: *\([0-9.]* x [0-9.]*\).*/\1/p')
  root=$(qpdf --show-object=trailer "$pdf" | sed -n 's|.*/Root \([0-9]*\) 0 R.*|\1|p')
  if qpdf --show-object="$root" "$pdf" | grep StructTreeRoot >/dev/null; then tagged=yes; else tagged=no; fi
  printf '%-44s %6s %8s  %-22s %s\n' "$(basename "$pdf")" "$pages" "$(stat -c %s "$pdf")" "$size" "$tagged"
done
# Japanese: the text must extract, and every font must be embedded with a ToUnicode map.
# LibreOffice embeds NotoSansCJKjp subsets; Chromium (Skia) cannot embed the OpenType/CFF Noto
# CJK faces and draws them as Type 3 fonts (glyph outlines) with ToUnicode maps instead.
for pdf in "$OUT"/finesse_ja.*.pdf; do
  pdftotext -layout "$pdf" - | grep 'リスナー プロトコルおよびポート' >/dev/null \
    || { echo "$pdf: Japanese text not extracted" >&2; exit 1; }
  pdffonts "$pdf" | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-2) != "yes") {bad = 1} END {exit bad}' \
    || { echo "$pdf: a font is not embedded or has no ToUnicode map" >&2; exit 1; }
done
case $(pdffonts "$OUT/finesse_ja.libreoffice.pdf") in
  *NotoSansCJK*) ;;
  *) echo "finesse_ja.libreoffice.pdf: Noto Sans CJK not embedded" >&2; exit 1 ;;
esac
