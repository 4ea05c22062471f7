"""The report page's one stylesheet and one script (inlined; the CSP allows exactly these)."""

from __future__ import annotations

import base64
import hashlib

STYLE = """
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9dee4;--soft:#f5f7fa;--accent:#2f5f98;
--tp:#2f855a;--fp:#c53030;--fn:#b7791f}
*{box-sizing:border-box}
[hidden]{display:none !important}
html{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:#fff}
body{margin:0}
header.top{background:#18324f;color:#fff;padding:20px 32px 14px}
header.top h1{margin:0 0 4px;font-size:22px;font-weight:600}
header.top .facts{color:#c9d6e3;font-size:13px}
header.top code{color:#fff}
nav.toc{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);
padding:8px 32px;font-size:14px}
nav.toc a{margin-right:18px;color:var(--accent);text-decoration:none}
nav.toc a:hover{text-decoration:underline}
main{padding:8px 32px 48px;max-width:1500px}
h2{font-size:19px;margin:30px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:22px 0 8px}
h4{font-size:14px;margin:14px 0 6px}
p.note{color:var(--muted);font-size:13px;margin:6px 0}
.warn{background:#fffbea;border:1px solid #f0c36d;padding:8px 12px;border-radius:4px;margin:12px 0}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13.5px}
th,td{border-bottom:1px solid var(--line);padding:5px 10px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:hover{background:#fafbfc}
.ci{color:var(--muted);font-size:12px}
.sys{font-weight:600}
.alias{color:var(--muted);font-weight:400}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:14px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px}
.card h4{margin:0 0 4px}
svg text{font-size:11px;fill:var(--ink)}
svg .axis{stroke:#e3e7eb}
svg .bar-p{fill:#9ec5e8}svg .bar-r{fill:#b4d9a7}svg .bar-f{fill:#2f5f98}
svg .whisker{stroke:#111;stroke-width:1.3}
svg text.val{font-variant-numeric:tabular-nums}
svg text.muted{fill:var(--muted)}
.key{display:inline-block;width:11px;height:11px;border-radius:2px;vertical-align:-1px;
margin:0 4px 0 10px}
.key.p{background:#9ec5e8}.key.r{background:#b4d9a7}.key.f{background:#2f5f98}
table.confusion td{text-align:right;min-width:38px}
.heat0{background:#fff}.heat1{background:#e8f0f9}.heat2{background:#cfe0f2}
.heat3{background:#a9c7e6}.heat4{background:#7ea9d6}.heat5{background:#4f86c2;color:#fff}
td.diag{font-weight:700}
details{margin:6px 0}
summary{cursor:pointer;font-weight:600}
.controls{display:flex;gap:18px;align-items:center;background:var(--soft);padding:8px 12px;
border-radius:6px;margin:10px 0;position:sticky;top:38px;z-index:4;border:1px solid var(--line)}
.controls select{font:inherit;padding:2px 6px}
.legend{font-size:13px;margin:8px 0;line-height:2}
.legend span{margin-right:6px}
article.doc{border-top:1px solid var(--line);margin-top:18px}
.pair{margin:10px 0 18px}
.pair h4 .stat{color:var(--muted);font-weight:400}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.col{border:1px solid var(--line);border-radius:6px;min-width:0}
.colhead{background:var(--soft);padding:4px 10px;font-size:12.5px;font-weight:600;
border-bottom:1px solid var(--line)}
.text{white-space:pre-wrap;overflow-wrap:anywhere;padding:8px 12px;font-size:14px;line-height:1.9;
max-height:560px;overflow:auto}
.items{padding:6px 12px;font-size:13.5px}
.items ul{margin:4px 0;padding-left:20px}
.err{color:var(--fp);padding:8px 12px;margin:0}
span.ent,span.quote{border-radius:3px;padding:1px 0}
span.ent[data-type=PERSON]{background:#dbeafe}span.ent[data-type=ORG]{background:#ede9fe}
span.ent[data-type=GPE]{background:#dcfce7}span.ent[data-type=LOC]{background:#ccfbf1}
span.ent[data-type=NORP]{background:#fef3c7}span.ent[data-type=DATE]{background:#fce7f3}
span.ent[data-type=EVENT]{background:#ffedd5}span.ent[data-type=MISC]{background:#e5e7eb}
span.quote{background:#fff7c2}
span.tp{box-shadow:inset 0 -2px 0 var(--tp)}
span.fp{outline:2px solid var(--fp);outline-offset:-1px}
span.fn{outline:2px dashed var(--fn);outline-offset:-1px}
span.ent .ent{padding:0}
sup.who{font-size:10.5px;color:#4a5562;background:#eef1f4;border-radius:3px;padding:0 3px;
margin-left:2px;white-space:nowrap}
.fp-key,.fn-key,.tp-key{padding:1px 6px;border-radius:3px;background:#fff}
.tp-key{box-shadow:inset 0 -2px 0 var(--tp)}
.fp-key{outline:2px solid var(--fp);outline-offset:-1px}
.fn-key{outline:2px dashed var(--fn);outline-offset:-1px}
li.fp{color:#7b1f1f}li.fn{color:#7a4f0d}
pre.config{background:var(--soft);padding:6px 8px;border-radius:4px;margin:0;white-space:pre-wrap}
footer{color:var(--muted);font-size:13px;padding:16px 32px;border-top:1px solid var(--line)}
@media (max-width:900px){.cols{grid-template-columns:1fr}main,header.top{padding-left:14px;
padding-right:14px}}
@media print{nav.toc,.controls{display:none}.text{max-height:none}}
"""

SCRIPT = """
(function () {
  "use strict";
  var controls = document.getElementById("controls");
  if (!controls) { return; }
  var system = document.getElementById("filter-system");
  var layer = document.getElementById("filter-layer");
  var pairs = document.querySelectorAll(".pair");
  function apply() {
    for (var i = 0; i < pairs.length; i++) {
      var pair = pairs[i];
      var show = (system.value === "*" || pair.getAttribute("data-system") === system.value) &&
        (layer.value === "*" || pair.getAttribute("data-layer") === layer.value);
      pair.hidden = !show;
    }
  }
  system.addEventListener("change", apply);
  layer.addEventListener("change", apply);
  controls.hidden = false;
  document.documentElement.className = "js";
  apply();
})();
"""


def csp_hash(source: str) -> str:
    """The CSP source expression allowing exactly one inline element with this content.

    Example:
        >>> csp_hash("")
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    f"script-src {csp_hash(SCRIPT)}; "
    f"style-src {csp_hash(STYLE)}; "
    "img-src 'none'; font-src 'none'; connect-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)
"""Nothing loads from anywhere; only the page's own stylesheet and script run."""
