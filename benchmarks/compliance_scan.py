"""How many typical posts per second does the compliance scanner check on one core?

The corpus is the demo company's 200-odd suggested texts (ordinary company news in Japanese and
English, 20–200 characters, with hashtags) plus the same texts with personal data, a code name
and a claim worked in, as a sharer's edits might add. The scanner runs with the demo company's
lists (confidential terms, products, an allowed domain, a public address), in one process, on
one core. The baseline in the same run is the least any scanner does: one pass of a single
e-mail regex over each text. The target is 500 posts per second or more.

    .venv/bin/python benchmarks/compliance_scan.py            # about 15 s
    .venv/bin/python benchmarks/compliance_scan.py --rounds 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup() -> None:
    for key in [k for k in os.environ if k.startswith(("OUENDAN_", "DATABASE_"))]:
        del os.environ[key]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="ouendan.settings", OUENDAN_DEMO="1", LOG_LEVEL="WARNING"
    )
    import django

    django.setup()


def corpus() -> list[str]:
    from ouendan.content.models import compose_text
    from ouendan.demo.data.content import CONTENT

    texts = [compose_text(v.text, list(v.hashtags)) for c in CONTENT for v in c.variants]
    edits = [
        "詳しくは taro.yamada@example.co.jp まで",
        "携帯 090-1234-5678 にどうぞ",
        "白鷺プロジェクトの話はまた今度",
        "業界No.1の精度です",
        "https://other.example.com/news もどうぞ",
    ]
    return texts + [f"{text} {edits[i % len(edits)]}" for i, text in enumerate(texts)]


def rate(work, texts: list[str], rounds: int) -> float:  # type: ignore[no-untyped-def]
    """Median texts per second over ``rounds`` passes of the whole corpus."""
    work(texts[0])
    speeds = []
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            work(text)
        speeds.append(len(texts) / (time.perf_counter() - started))
    return statistics.median(speeds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    setup()
    import regex
    from django.utils import translation

    from ouendan.demo.data import content as demo
    from ouendan.governance.compliance import Policy, ScanRequest, compliance_scan
    from ouendan.networks import Network

    translation.activate("ja")
    policy = Policy.build(
        confidential_terms=list(demo.CONFIDENTIAL_TERMS),
        product_names=list(demo.PRODUCT_NAMES),
        allowed_domains=list(demo.ALLOWED_DOMAINS),
        public_emails=list(demo.PUBLIC_EMAILS),
    )
    texts = corpus()
    email = regex.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
    baseline = rate(lambda t: email.search(t), texts, args.rounds)
    cases = {
        "scan, every rule but length": lambda t: compliance_scan(
            ScanRequest(text=t, policy=policy)
        ),
        "scan with the X length rule": lambda t: compliance_scan(
            ScanRequest(text=t, network=Network.X, policy=policy)
        ),
        "scan with the Bluesky length rule": lambda t: compliance_scan(
            ScanRequest(text=t, network=Network.BLUESKY, policy=policy)
        ),
    }
    lengths = sorted(len(t) for t in texts)
    print(
        f"{len(texts)} texts, {lengths[len(lengths) // 2]} characters (median), "
        f"{lengths[-1]} at most; one process, one core"
    )
    print(f"{'what':<36}{'posts/s':>10}{'ms/post':>10}{'vs one regex':>15}")
    print(
        f"{'one e-mail regex (baseline)':<36}{baseline:>10,.0f}{1000 / baseline:>10.3f}{1:>14.0f}×"
    )
    for label, work in cases.items():
        speed = rate(work, texts, args.rounds)
        print(f"{label:<36}{speed:>10,.0f}{1000 / speed:>10.3f}{baseline / speed:>14.0f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
