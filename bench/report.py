"""The benchmark's results as readable tables."""
from __future__ import annotations

from throughput import Run

F1_COLUMNS = ("seed/money", "seed/percent", "seed/date", "recognizers-money/money",
              "recognizers-percent/percent", "recognizers-date/date")


def throughput_table(runs: list[Run]) -> list[str]:
    lines = [f"{'run':34} {'docs':>6} {'MB':>6} {'seconds':>8} {'MB/s':>7} {'found':>8} {'found/s':>9} {'of ceiling':>10}"]
    for r in runs:
        lines.append(f"{r.name:34} {r.docs:6d} {r.megabytes:6.2f} {r.seconds:8.2f} {r.mb_per_s:7.2f} "
                     f"{r.facts:8d} {r.facts_per_s:9.0f} {r.of_ceiling:10.1%}")
    return lines


def memory_table(m: dict) -> list[str]:
    lines = [f"{'input':10} {'docs':>6} {'MB':>6} {'seconds':>8} {'peak RSS MB':>12} {'exit':>4}"]
    for key in ("whole", "tenth"):
        r = m[key]
        lines.append(f"{key:10} {r['docs']:6d} {r['megabytes']:6.2f} {r['seconds']:8.2f} {r['peak_rss_mb']:12.0f} {r['exit_code']:4d}")
    lines.append(f"whole / tenth peak RSS: {m['ratio']:.2f}")
    return lines


def startup_lines(s: dict) -> list[str]:
    return [f"factx extract {s['document']}: {s['factx_extract_s']:.2f} s   with an option (--format jsonl): "
            f"{s['factx_extract_with_option_s']:.2f} s   python -c pass: {s['python_pass_s']:.2f} s   (best of {s['runs']})"]


def peers_table(c: dict) -> list[str]:
    short = [col.replace("recognizers-", "rt-").split("/")[0] + "/" + col.split("/")[1][:3] for col in F1_COLUMNS]
    lines = [f"{'system':38} {'MB/s':>7} {'factx/it':>8} {'4 types/it':>10}  " + " ".join(f"{s:>11}" for s in short)]
    for row in c["rows"]:
        cells = []
        for col in F1_COLUMNS:
            f1 = row["f1"].get(col)
            cells.append(f"{f1['value_f1']:.2f} ({f1['span_f1']:.2f})" if f1 else "-")
        lines.append(f"{row['name']:38} {row['mb_per_s']:7.3f} {row['ratio']:8.1f} {row['ratio_four']:10.1f}  "
                     + " ".join(f"{c:>11}" for c in cells))
    lines.append("F1 cells: value F1 (relaxed span F1), scored by shared/eval/score.py; - where it extracts no such type")
    lines.append("factx/it: factx with all its types over the peer's time; 4 types/it: factx with money, percent, "
                 "date and official only")
    lines += [f"  {row['name']}: {row['mapping']}" for row in c["rows"][2:]]
    lines += [f"skipped {s}" for s in c["skipped"]]
    return lines
