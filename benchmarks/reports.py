"""Document benchmarks: the annual evaluation report of the full Jinghai plan (every format, with
the scenarios' Monte Carlo bands) and the dispatch notices of every responsible unit (~40).

    python -m benchmarks.reports [--plan jinghai-2023] [--samples 200] [--format pdf]

Runs on a throwaway SQLite database with the demo data (as ``carbonpeak init --demo``). Prints
seconds and ratios (per unit, PDF over HTML).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from carbonpeak.demo import load_demo
from carbonpeak.plan import load_plan
from carbonpeak.reports import documents
from carbonpeak.services import reporting
from carbonpeak.services.tracking import TrackingService
from carbonpeak.storage import make_engine, store_plan, upgrade

AS_OF = dt.date(2025, 3, 1)


def _timed(label: str, run: object) -> tuple[float, object]:
    start = time.perf_counter()
    value = run()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<48} {seconds:8.3f} s")
    return seconds, value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plan", default="jinghai-2023")
    parser.add_argument("--samples", type=int, default=reporting.SCENARIO_SAMPLES)
    parser.add_argument("--format", default="pdf", choices=documents.DOCUMENT_FORMATS)
    args = parser.parse_args(argv or [])
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("CARBONPEAK_EVIDENCE_DIR", str(Path(folder) / "evidence"))
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            plan = load_plan(args.plan)
            store_plan(engine, plan, who="benchmark", source="benchmark")
            load_demo(engine, plan)
            svc = TrackingService(engine, plan)
            print(f"plan {plan.plan.id}: {len(plan.indicators)} indicators, {len(plan.tasks)} tasks, "
                  f"{len(plan.units)} units; {args.samples} Monte Carlo samples per scenario")  # fmt: skip
            gather, results = _timed(
                "annual: gather results (services.reporting)",
                lambda: reporting.annual_results(engine, svc, 2024, AS_OF, samples=args.samples),
            )
            build, doc = _timed(
                "annual: build document + charts", lambda: documents.annual_document(results, "zh-CN")
            )
            seconds: dict[str, float] = {}
            for fmt in documents.DOCUMENT_FORMATS:
                seconds[fmt], data = _timed(f"annual: render {fmt}", lambda f=fmt: documents.render(doc, f))
                print(f"{'':<48} {len(data):,} bytes")  # type: ignore[arg-type]
            annex, _ = _timed("annual: XLSX annex", lambda: documents.annex_bytes(doc))
            total = gather + build + seconds["pdf"] + annex
            print(f"annual report end to end (gather + build + pdf + annex): {total:.2f} s; "
                  f"pdf / html render: {seconds['pdf'] / max(seconds['html'], 1e-9):.0f}x")  # fmt: skip
            gather_all, every = _timed(
                "dispatch: gather every unit", lambda: reporting.dispatch_all(svc, 2024, "Q4", AS_OF)
            )
            render_all, files = _timed(
                f"dispatch: render every unit ({args.format})",
                lambda: documents.dispatch_files(every, args.format, "zh-CN"),  # type: ignore[arg-type]
            )
            n = len(files)  # type: ignore[arg-type]
            print(f"dispatch notices: {n} units in {gather_all + render_all:.2f} s, "
                  f"{(gather_all + render_all) / n * 1000:.0f} ms per unit")  # fmt: skip
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
