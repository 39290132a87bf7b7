#!/usr/bin/env python3
"""Writes an HTML page, built the way vendor doc sites build them (navigation, sidebar, footer,
scripts, notes, captioned tables with section rows spanning all columns), from a PDF text dump
whose tables are tab-separated. Used once to make fixtures/html/*.html from the seeds; the tests
do not run it.

usage: tsv_to_html.py SEED.txt LANG TITLE [CHARSET] > page.html
(the output is UTF-8; for CHARSET shift_jis, re-encode it, e.g. with iconv -f utf-8 -t shift_jis)
"""
import html
import re
import sys

src, lang, title = sys.argv[1], sys.argv[2], sys.argv[3]
charset = sys.argv[4] if len(sys.argv) > 4 else "utf-8"
lines = open(src, encoding="utf-8").read().split("\n")


def cell(text):
    t = html.escape(text.strip())
    return re.sub(r"\s*¹", lambda m: (" " if m.group(0).startswith(" ") else "") + "<sup>1</sup>", t)


out = []
i = 0
first_heading = True
caption = None  # a "Table N" title waiting for its table
while i < len(lines):
    line = lines[i]
    t = line.strip()
    if not t or t.startswith("- [") or t == "-":
        i += 1
        continue
    if "\t" in line:
        rows = []
        while i < len(lines) and "\t" in lines[i]:
            rows.append(lines[i].split("\t"))
            i += 1
        header, body = rows[0], rows[1:]
        out.append("<table>")
        if caption is not None:
            out.append("<caption>%s</caption>" % caption)
            caption = None
        out.append("<thead><tr>%s</tr></thead><tbody>" % "".join("<th>%s</th>" % cell(h) for h in header))
        for r in body:
            filled = [c for c in r if c.strip()]
            if len(filled) == 1 and r[0].strip():
                out.append('<tr><td colspan="%d"><strong>%s</strong></td></tr>' % (len(header), cell(r[0])))
            else:
                out.append("<tr>%s</tr>" % "".join("<td>%s</td>" % cell(c) for c in r))
        out.append("</tbody></table>")
        continue
    if caption is not None:
        # a caption not followed by its table stays a paragraph
        out.append("<p>%s</p>" % caption)
        caption = None
    if re.match(r"^(表|Table)\s*\d+", t):
        caption = html.escape(t)
    elif t.startswith("(注)") or t.startswith("Note"):
        out.append('<div class="note"><p>%s</p></div>' % cell(t))
    elif t.startswith("¹"):
        out.append('<p class="footnote"><sup>1</sup>%s</p>' % html.escape(t[1:].strip()))
    elif len(t) < 60 and not t.endswith(("。", ".", ":", "：")):
        out.append(("<h1>%s</h1>" if first_heading else "<h2>%s</h2>") % html.escape(t))
        first_heading = False
    else:
        out.append("<p>%s</p>" % cell(t))
    i += 1

if caption is not None:
    out.append("<p>%s</p>" % caption)
body = "\n".join(out)
print("""<!DOCTYPE html>
<html lang="%s">
<head>
<meta charset="%s">
<title>%s</title>
<style>.note{border-left:4px solid #049fd9}</style>
<script>var tracking = {port: 8443};</script>
</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/docs">Docs (port 9443)</a></li></ul></nav></header>
<div id="wrapper"><aside class="sidebar"><ul><li>Port 6000 Reference</li></ul></aside>
<main><article>
%s
</article></main></div>
<footer><p>Copyright 2024. Support line port 2525.</p></footer>
</body>
</html>""" % (lang, charset, html.escape(title), body))
