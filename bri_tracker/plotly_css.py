"""Plotly's own style rules as static stylesheets, so that pages need no
inline style under the Content-Security-Policy (README, "Running in
production").

When plotly.js loads it creates two ``<style>`` elements, which a
``style-src 'self'`` policy refuses:
- its own rules (the toolbar, hover labels, notifiers), inserted into
  ``<style id="plotly.js-style-global">``; skipped when the page already has
  an element of that id with the class ``no-inline-styles`` (plotly.js pull
  request 7109);
- the CSS of the MapLibre maps it bundles, in a ``<style>`` whose id is a
  hash; skipped when the page already has an element of that id.
templates/includes/charts_js.html links both stylesheets under those ids
(``{% plotly_styles %}``). Both are read from the installed plotly.min.js,
the file vendor/plotly.min.js serves (bri_tracker/staticfinders.py);
``manage.py plotly_css`` rewrites them in static/vendor/ and a test fails
when they are out of step.
"""

import json
import re
from functools import cache
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
STYLESHEET = "vendor/plotly.css"
MAPLIBRE_STYLESHEET = "vendor/maplibre.css"

# The loop that inserts each rule of the object ``rules``:
# for(k in rules)sel=k.replace(/^,/," ,").replace(/X/g,".js-plotly-plot
# .plotly").replace(/Y/g,".plotly-notifier"),lib.addStyleRule(sel,rules[k])
_LOOP = re.compile(
    r"for\((?P<key>[\w$]+) in (?P<rules>[\w$]+)\)[\w$]+=(?P=key)"
    r'\.replace\(/\^,/," ,"\)\.replace\(/X/g,"(?P<x>[^"]+)"\)'
    r'\.replace\(/Y/g,"(?P<y>[^"]+)"\)'
)
_MAPLIBRE = re.compile(
    r'if\(!document\.getElementById\("(?P<id>\w+)"\)\)\{var (?P<var>[\w$]+)='
    r'document\.createElement\("style"\);(?P=var)\.id="(?P=id)",'
    r"(?P=var)\.textContent=(?P<css>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
)
_STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''
_ENTRY = re.compile(rf"\s*(?P<key>{_STRING}|[\w$]+)\s*:\s*(?P<value>{_STRING})\s*,?")


def _js_string(literal: str) -> str:
    if literal[0] == "'":
        literal = '"' + literal[1:-1].replace('\\"', '"').replace('"', '\\"') + '"'
    return json.loads(literal)


def plotly_rules(js: str) -> list[tuple[str, str]]:
    """(selector, declarations) of every rule plotly.js inserts, in the
    order it inserts them."""
    loop = _LOOP.search(js)
    if loop is None:
        raise ValueError("plotly.js no longer inserts its style rules as expected")
    start = js.rindex(f"{loop['rules']}={{", 0, loop.start())
    position = start + len(loop["rules"]) + 2
    rules = []
    while js[position] != "}":
        entry = _ENTRY.match(js, position)
        if entry is None:
            raise ValueError(f"unreadable style rule at {js[position : position + 80]}")
        key = entry["key"]
        key = _js_string(key) if key[0] in "\"'" else key
        selector = (
            re.sub(r"^,", " ,", key).replace("X", loop["x"]).replace("Y", loop["y"])
        )
        rules.append((selector, _js_string(entry["value"])))
        position = entry.end()
    return rules


def plotly_css(js: str | None = None) -> str:
    """The stylesheet for the installed plotly.js. plotly.js inserts each
    rule at the top of its sheet, so the last one wins a tie: the sheet
    lists them in that final order."""
    js = _installed(js)
    version = re.search(r"plotly\.js v([\d.]+)", js)
    header = (
        f"/* The style rules of plotly.js v{version[1] if version else '?'}, "
        "written by `manage.py plotly_css` (bri_tracker/plotly_css.py). */\n"
    )
    rules = reversed(plotly_rules(js))
    return header + "".join(f"{sel} {{{body}}}\n" for sel, body in rules)


def _installed(js: str | None) -> str:
    return PLOTLY_JS.read_text(encoding="utf-8") if js is None else js


def maplibre_style(js: str | None = None) -> tuple[str, str]:
    """(element id, CSS) of the MapLibre stylesheet plotly.js injects."""
    found = _MAPLIBRE.search(_installed(js))
    if found is None:
        raise ValueError("plotly.js no longer injects MapLibre's CSS as expected")
    return found["id"], _js_string(found["css"]) + "\n"


@cache
def maplibre_style_id() -> str:
    """The id of the installed plotly.js's MapLibre <style>, read once."""
    return maplibre_style()[0]
