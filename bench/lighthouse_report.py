"""Summary of the Lighthouse runs that bench/lighthouse.sh leaves in bench/out/lighthouse/.

`.venv/bin/python bench/lighthouse_report.py [DIR]` prints, per page, the medians over runs
(scores, LCP, FCP, TBT, CLS, bytes with and without photos), the budget check, the failing
accessibility and best-practices audits of the worst run with their elements, LCP hints, and the
requests the server answered that Lighthouse did not record (a service worker's own fetches).
Without results (as under `make bench`) it says how to make them. Always exits 0.
"""

import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DIR = Path(__file__).resolve().parent / "out" / "lighthouse"
KB = 1024
AIM_KB = 50  # a page without its photos
# Checklist and location pages: (label, key, aim, higher is better).
BUDGETS = [
    ("performance", "performance", 100, True),
    ("LCP ms", "lcp", 1100, False),
    ("accessibility", "accessibility", 95, True),
    ("best practices", "best-practices", 95, True),
    ("KB excl. photos", "kb_no_photos", AIM_KB, False),
]
COLUMNS = [("perf", "performance", "{:.0f}"), ("a11y", "accessibility", "{:.0f}"),
           ("bp", "best-practices", "{:.0f}"), ("LCP ms", "lcp", "{:.0f}"),
           ("FCP ms", "fcp", "{:.0f}"), ("TBT ms", "tbt", "{:.0f}"), ("CLS", "cls", "{:.3f}"),
           ("KB all", "kb_total", "{:.1f}"), ("KB no img", "kb_no_photos", "{:.1f}")]
SKIPPED_MODES = {"notApplicable", "manual", "informative", "error"}
# bench/lighthouse.sh's gunicorn access log: status, Content-Length, request line, two headers.
ACCESS_LINE = re.compile(
    r'^(\d{3}) (\S+) "(\S+) (\S+) [^"]*" dest=(\S+) sw=(\S+)(?: type=(.*))?$')


def is_photo(item: dict) -> bool:
    """Images: photos, and the icons the browser fetches itself (favicon, the manifest's icon,
    which Chromium records as resourceType Other with an image/* MIME type)."""
    return (item.get("resourceType") == "Image" or (item.get("mimeType") or "").startswith("image/")
            or "/photos/" in urlsplit(item["url"]).path)


def network_items(lhr: dict) -> list[dict]:
    """Requests Lighthouse recorded that went over the network (as total-byte-weight counts)."""
    items = lhr["audits"]["network-requests"]["details"]["items"]
    return [i for i in items if i["url"].startswith(("http:", "https:"))]


def figures(lhr: dict) -> dict:
    audits = lhr["audits"]
    items = network_items(lhr)
    no_photos = sum(i.get("transferSize") or 0 for i in items if not is_photo(i))
    out = {key: round(cat["score"] * 100) if cat["score"] is not None else float("nan")
           for key, cat in lhr["categories"].items()}
    out.update(
        lcp=audits["largest-contentful-paint"]["numericValue"],
        fcp=audits["first-contentful-paint"]["numericValue"],
        tbt=audits["total-blocking-time"]["numericValue"],
        cls=audits["cumulative-layout-shift"]["numericValue"],
        kb_total=audits["total-byte-weight"]["numericValue"] / KB,
        kb_no_photos=no_photos / KB,
    )
    return out


def offenders(audit: dict, limit: int = 4) -> list[str]:
    """The elements, URLs or messages an audit names, shortest useful form first."""
    details = audit.get("details") or {}
    items = details.get("items") or []
    lines = []
    for item in items[:limit]:
        node = item.get("node") if isinstance(item.get("node"), dict) else None
        if node:
            text = node.get("snippet", "")
            if node.get("nodeLabel"):
                text += f"  «{node['nodeLabel'][:50]}»"
            if node.get("explanation"):
                text += "  — " + node["explanation"].splitlines()[-1].strip()
        else:
            source = item.get("source")
            where = source.get("url", "") if isinstance(source, dict) else (source or "")
            text = " ".join(str(x) for x in (item.get("description"), item.get("url") or where,
                                             item.get("issueType")) if x)
        lines.append(text[:220] if text else json.dumps(item, ensure_ascii=False)[:220])
    if len(items) > limit:
        lines.append(f"… and {len(items) - limit} more")
    return lines


def failing(lhr: dict, category: str) -> list[dict]:
    result = []
    for ref in lhr["categories"][category]["auditRefs"]:
        audit = lhr["audits"][ref["id"]]
        if audit["scoreDisplayMode"] in SKIPPED_MODES or audit["score"] is None:
            continue
        if audit["score"] < 1:
            result.append(audit)
    return result


def lcp_hints(lhr: dict) -> list[str]:
    audits = lhr["audits"]
    lines = []
    element = audits.get("largest-contentful-paint-element", {}).get("details", {})
    tables = element.get("items", [])
    if tables and tables[0].get("items"):
        node = tables[0]["items"][0].get("node", {})
        lines.append(f"LCP element: {node.get('snippet', '?')}  «{node.get('nodeLabel', '')[:50]}»")
    if len(tables) > 1:
        phases = ", ".join(f"{p['phase']} {p['timing']:.0f}" for p in tables[1].get("items", []))
        lines.append(f"LCP phases (ms): {phases}")
    blocking = audits.get("render-blocking-resources", {}).get("details", {}).get("items", [])
    for item in blocking:
        size, wasted = item.get("totalBytes", 0) / KB, item.get("wastedMs", 0)
        lines.append(f"render-blocking: {urlsplit(item['url']).path} ({size:.1f} KB, "
                     f"~{wasted:.0f} ms)")
    heaviest = sorted(network_items(lhr), key=lambda i: -(i.get("transferSize") or 0))[:4]
    lines.append("heaviest: " + ", ".join(
        f"{urlsplit(i['url']).path} {(i.get('transferSize') or 0) / KB:.1f} KB" for i in heaviest))
    # Lighthouse's own estimate of what each opportunity or insight would save on FCP / LCP.
    for ref in lhr["categories"]["performance"]["auditRefs"]:
        audit = audits[ref["id"]]
        savings = audit.get("metricSavings") or {}
        gain = max(savings.get("LCP") or 0, savings.get("FCP") or 0)
        if gain > 0 and (audit.get("score") is None or audit["score"] < 1):
            shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lines.append(f"saves ~{gain:.0f} ms of FCP/LCP: {audit['title']}{shown}")
    return lines


def pattern(path: str) -> str:
    """A request path with its location code or photo digest replaced by *, to group them."""
    return re.sub(r"^/(locations|photos|l)/[^/?]+", r"/\1/*", path)


def server_requests(log: Path) -> list[tuple[str, int, str, str, bool]]:
    """(path?query, body bytes (Content-Length, no headers), "status Sec-Fetch-Dest",
    Service-Worker header, whether it is an image) per logged request."""
    rows = []
    if log.exists():
        for line in log.read_text().splitlines():
            m = ACCESS_LINE.match(line)
            if m:
                size = int(m.group(2)) if m.group(2).isdigit() else 0
                image = (m.group(7) or "").startswith("image/") or m.group(5) == "image" \
                    or m.group(4).startswith("/photos/")
                rows.append((m.group(4), size, f"{m.group(1)} {m.group(5)}", m.group(6), image))
    return rows


def unseen_requests(lhr: dict, log: Path) -> tuple[list[tuple[str, int, str, str, bool]], bool]:
    """Requests the server answered during the run that Lighthouse did not record, and whether
    a service worker script was fetched."""
    def key(url):
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    recorded = Counter(key(i["url"]) for i in network_items(lhr))
    unseen = []
    served = server_requests(log)
    for row in served:
        if recorded[row[0]] > 0:
            recorded[row[0]] -= 1
        else:
            unseen.append(row)
    worker = any(what.endswith("serviceworker") or sw == "script" for _, _, what, sw, _ in served)
    return unseen, worker


def fmt(value, pattern):
    return "-" if value != value else pattern.format(value)  # NaN → "-"


def report(folder: Path) -> None:
    runs: dict[str, list[tuple[Path, dict]]] = {}
    for path in sorted(folder.glob("*-*.json"), key=lambda p: (p.stat().st_mtime, p.name)):
        page = path.stem.rsplit("-", 1)[0]
        runs.setdefault(page, []).append((path, json.loads(path.read_text())))
    if not runs:
        print(f"No Lighthouse results in {folder}: run bench/lighthouse.sh")
        return
    first = next(iter(runs.values()))[0][1]
    newest = max(p.stat().st_mtime for page_runs in runs.values() for p, _ in page_runs)
    print(f"\nLighthouse {first['lighthouseVersion']}, mobile, simulated throttling "
          f"({len(first['audits'])} audits); results of "
          f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(newest))}; medians over runs")
    medians = {}
    header = f"{'page':<10}{'runs':>5}" + "".join(f"{label:>10}" for label, _, _ in COLUMNS)
    print(header)
    for page, page_runs in runs.items():
        per_run = [figures(lhr) for _, lhr in page_runs]
        medians[page] = {key: statistics.median(r[key] for r in per_run) for _, key, _ in COLUMNS}
        print(f"{page:<10}{len(per_run):>5}" + "".join(
            f"{fmt(medians[page][key], pattern):>10}" for _, key, pattern in COLUMNS))
        urls = {lhr.get("finalDisplayedUrl") for _, lhr in page_runs}
        if any("/login" in (u or "") for u in urls):
            print(f"  WARNING: {page} ended on the login page: the session cookie was not taken")

    print("\nBudget (checklist and location pages), medians")
    for page in runs:
        for label, key, aim, higher in BUDGETS:
            value = medians[page][key]
            ok = value >= aim if higher else value <= aim
            sign = "≥" if higher else "≤"
            shown = fmt(value, "{:.1f}" if key == "kb_no_photos" else "{:.0f}")
            print(f"  {page:<10}{label:<17}{shown:>8}   aim {sign} {aim:<6}"
                  f"{'PASS' if ok else 'FAIL'}")

    for page, page_runs in runs.items():
        per_run = [figures(lhr) for _, lhr in page_runs]
        worst = min(range(len(page_runs)), key=lambda i: (
            per_run[i]["accessibility"] + per_run[i]["best-practices"], per_run[i]["performance"]))
        path, lhr = page_runs[worst]
        print(f"\n{page}: {lhr['finalDisplayedUrl']}  (worst run: {path.name})")
        for category in ("accessibility", "best-practices"):
            audits = failing(lhr, category)
            title = lhr["categories"][category]["title"]
            print(f"  {title}: " + ("no failing audits" if not audits else
                                    f"{len(audits)} failing"))
            for audit in audits:
                print(f"    ✗ {audit['title']}  [{audit['id']}]")
                for line in offenders(audit):
                    print(f"        {line}")
        slowest = max(range(len(page_runs)), key=lambda i: per_run[i]["lcp"])
        print(f"  Performance, slowest LCP run ({page_runs[slowest][0].name}):")
        for line in lcp_hints(page_runs[slowest][1]):
            print(f"    {line}")

    print("\nService worker: requests the server answered during a run that Lighthouse did not "
          "record\n  (Lighthouse 12 records page, iframe and dedicated-worker requests only: a "
          "service worker's\n  script and its cache.addAll() fetches are in neither "
          "network-requests nor total-byte-weight)")
    for page, page_runs in runs.items():
        counts, sizes, worker, examples, bytes_by = [], [], False, Counter(), Counter()
        with_worker = []  # KB excluding photos, adding what Lighthouse did not record
        for path, lhr in page_runs:
            log = path.with_suffix(".access.log")
            unseen, fetched_worker = unseen_requests(lhr, log)
            worker = worker or fetched_worker
            counts.append(len(unseen))
            sizes.append(sum(row[1] for row in unseen))
            extra = sum(row[1] for row in unseen if not row[4])
            with_worker.append(figures(lhr)["kb_no_photos"] + extra / KB)
            for p, size, what, _, _ in unseen:
                examples[(pattern(p), what)] += 1
                bytes_by[(pattern(p), what)] += size
        if not any(path.with_suffix(".access.log").exists() for path, _ in page_runs):
            print(f"  {page}: no server log kept with these results")
            continue
        recorded_types = Counter(i.get("sessionTargetType") for _, lhr in page_runs
                                 for i in network_items(lhr))
        print(f"  {page}: service worker script fetched: {'yes' if worker else 'no'}; "
              f"unrecorded requests per run {counts} ({statistics.median(sizes) / KB:.1f} KB "
              f"median); Lighthouse's records by target {dict(recorded_types)}")
        if worker:
            kb = statistics.median(with_worker)
            print(f"    KB excl. photos with these added: {kb:.1f} (aim ≤ {AIM_KB}: "
                  f"{'PASS' if kb <= AIM_KB else 'FAIL'}, first visit)")
        runs_n = len(page_runs)
        shown = sorted(examples, key=lambda k: (-bytes_by[k], k))
        for key in shown[:10]:
            n = examples[key]
            times = f"×{n // runs_n} a run" if n % runs_n == 0 else f"×{n} in {runs_n} runs"
            print(f"      {key[0]}  ({key[1]}) {times}, {bytes_by[key] / runs_n / KB:.1f} KB a run")
        if len(shown) > 10:
            rest = shown[10:]
            print(f"      … {len(rest)} more kinds, "
                  f"{sum(bytes_by[k] for k in rest) / runs_n / KB:.1f} KB a run")


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    report(folder)


if __name__ == "__main__":
    main()
