"""What the two vhost-user-blk benchmarks (bench/vhost.py on the host, bench/vhost_nested.py
in the guest rig) share: the guest's fio lines, parsing them, the table with ratios, the
JSON and the SVG chart.

Every configuration of a row runs right after the others (alternately), round after
round, in one guest boot; a row's figure is the median of its rounds, and the ratios are
taken from those medians. Each round's ratios are kept in the JSON, so the spread shows.
"""
import json
import os
import re
import statistics
import time

ROWS = [(rw, qd) for rw in ("randread", "randwrite") for qd in (1, 4, 32)]


def add_options(p):
    """The options both vhost benchmarks take (argparse parser @p)."""
    p.add_argument("--build", default="build-gcc")
    p.add_argument("--runtime", type=int, default=4, help="measured seconds per point")
    p.add_argument("--rounds", type=int, default=2, help="rounds of the whole table")
    p.add_argument("--out")


def fio_lines(disks, runtime, rounds, size="448M", dev_dir="/dev"):
    """Guest shell lines: one fio run per round (fio starts slowly under TCG), whose jobs
    take turns (stonewall): for each row, each disk of @p disks (guest block device
    names) in turn, the order rotated by one disk each round. Each job prints
    '@@DEV RW QD ROUND IOPS'."""
    lines = []
    for rnd in range(rounds):
        jobs = []
        # Each round starts each row with another disk, so that none always runs
        # right after another row's load (or first, on a freshly idle host).
        order = disks[rnd % len(disks):] + disks[:rnd % len(disks)]
        for rw, qd in ROWS:
            for dev in order:
                jobs.append(f"--name={dev}.{rw}.{qd}.{rnd} --filename={dev_dir}/{dev} "
                            f"--rw={rw} --iodepth={qd} --stonewall")
        lines.append(f"fio --output-format=terse --direct=1 --ioengine=libaio --bs=4k "
                     f"--runtime={runtime} --ramp_time=1 --time_based --size={size} "
                     f"--norandommap --randrepeat=0 {' '.join(jobs)} 2>/dev/null "
                     "| awk -F';' '{split($3, j, \".\"); "
                     "print \"@@\" j[1], j[2], j[3], j[4], $8 + $49}'")
    return lines


def disk_counters_line(disks, tag):
    """A guest shell line that prints, for each disk of @p disks, the requests it has
    completed (/sys/block/DEV/stat) and the interrupts its request virtqueues have raised
    (/proc/interrupts): '@@TAG DEV REQUESTS INTERRUPTS'. Two of them around fio give the
    interrupts per request, which cost a TCG guest dearly."""
    return (f"for d in {' '.join(disks)}; do "
            "v=$(basename $(readlink /sys/block/$d/device)); "
            "r=$(awk '{print $1 + $5}' /sys/block/$d/stat); "
            "i=$(grep \"$v-req\" /proc/interrupts | awk '{for (k = 2; k <= NF; k++) "
            "if ($k ~ /^[0-9]+$/) s += $k} END {print s + 0}'); "
            f"echo @@{tag} $d $r $i; done")


def interrupts_per_request(text):
    """{dev: guest interrupts per completed request} between the '@@irq-before' and
    '@@irq-after' lines of disk_counters_line()."""
    seen = {}
    for line in text.splitlines():
        m = re.match(r"^@@irq-(before|after) ([\w-]+) (\d+) (\d+)\s*$", line.strip())
        if m:
            seen.setdefault(m.group(2), {})[m.group(1)] = (int(m.group(3)), int(m.group(4)))
    out = {}
    for dev, v in seen.items():
        if "before" in v and "after" in v and v["after"][0] > v["before"][0]:
            out[dev] = (v["after"][1] - v["before"][1]) / (v["after"][0] - v["before"][0])
    return out


def parse(text):
    """{(dev, rw, qd): [IOPS of each round]} from the guest's '@@' lines."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^@@([\w-]+) (\w+) (\d+) (\d+) ([0-9.]*)\s*$", line.strip())
        if m:
            dev, rw, qd, _, value = m.groups()
            out.setdefault((dev, rw, int(qd)), []).append(float(value or 0))
    return out


def summarise(iops, columns):
    """Rows of the table: for each (rw, qd), the median IOPS of each column (name, dev),
    and nvmu's ratio to every other column, from the medians and per round."""
    table = []
    first = columns[0][0]
    for rw, qd in ROWS:
        row = {"workload": rw, "qd": qd, "rounds": {}}
        for name, dev in columns:
            runs = iops.get((dev, rw, qd), [])
            row[name] = statistics.median(runs) if runs else 0.0
            row["rounds"][name] = runs
        for name, _ in columns[1:]:
            row[f"{first}/{name}"] = row[first] / row[name] if row[name] else 0.0
            row[f"{first}/{name} per round"] = [
                a / b if b else 0.0
                for a, b in zip(row["rounds"][first], row["rounds"][name])]
        table.append(row)
    return table


def print_table(table, columns):
    first = columns[0][0]
    head = f"{'workload':<11}{'QD':>4}" + "".join(f"{n:>12}" for n, _ in columns)
    head += "".join(f"{first + '/' + n:>18}" for n, _ in columns[1:])
    print(head)
    for row in table:
        line = f"{row['workload']:<11}{row['qd']:>4}"
        line += "".join(f"{row[n]:>12.0f}" for n, _ in columns)
        for n, _ in columns[1:]:
            spread = row[f"{first}/{n} per round"]
            rng = f" ({min(spread):.2f}-{max(spread):.2f})" if len(spread) > 1 else ""
            line += f"{row[first + '/' + n]:>7.2f}{rng:>11}"
        print(line)


def backend_counters(summary):
    """The numbers of nvmu vhost-blk's summary line ('stopped: N requests, ...')."""
    out = {}
    for value, key in re.findall(r"(\d+) ([a-z]+)", summary or ""):
        out.setdefault(key, int(value))
    return out


def svg_chart(path, title, table, columns):
    """A grouped bar chart of IOPS per row (one bar per column), with nvmu's ratio to
    each peer written above each group; plain SVG, no plotting library."""
    colours = ["#1b6ac9", "#d9822b", "#6a9a3a", "#8e44ad"]
    width, height, left, top, bottom = 900, 420, 70, 50, 70
    plot_w, plot_h = width - left - 20, height - top - bottom
    peak = max([row[n] for row in table for n, _ in columns] + [1.0])
    group = plot_w / len(table)
    bar = group * 0.8 / len(columns)
    first = columns[0][0]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>',
           f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
           f'stroke="black"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="black"/>']
    for i in range(5):
        v = peak * i / 4
        y = top + plot_h - plot_h * i / 4
        out.append(f'<text x="{left - 5}" y="{y + 4}" text-anchor="end">{v:.0f}</text>')
        out.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" '
                   f'stroke="#ddd"/>')
    out.append(f'<text x="15" y="{top + plot_h / 2}" transform="rotate(-90 15 '
               f'{top + plot_h / 2})" text-anchor="middle">IOPS (median of rounds)</text>')
    for g, row in enumerate(table):
        x0 = left + g * group + group * 0.1
        for c, (name, _) in enumerate(columns):
            h = plot_h * row[name] / peak
            out.append(f'<rect x="{x0 + c * bar:.1f}" y="{top + plot_h - h:.1f}" '
                       f'width="{bar - 2:.1f}" height="{h:.1f}" fill="{colours[c]}"/>')
        ratios = " ".join(f"{row[first + '/' + n]:.2f}" for n, _ in columns[1:])
        out.append(f'<text x="{x0 + group * 0.4:.1f}" y="{top - 6}" text-anchor="middle">'
                   f'{ratios}</text>')
        out.append(f'<text x="{x0 + group * 0.4:.1f}" y="{top + plot_h + 15}" '
                   f'text-anchor="middle">{row["workload"]} QD{row["qd"]}</text>')
    legend = ", ".join(f"{first}/{n}" for n, _ in columns[1:])
    out.append(f'<text x="{left}" y="{top - 22}">ratios above the bars: {legend}</text>')
    for c, (name, _) in enumerate(columns):
        x = left + c * 150
        out.append(f'<rect x="{x}" y="{height - 25}" width="12" height="12" '
                   f'fill="{colours[c]}"/>')
        out.append(f'<text x="{x + 16}" y="{height - 15}">{name}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write(out, here, prefix, data, title, table, columns):
    """JSON at @p out (default bench/results/PREFIX-DATE.json) and the chart beside it."""
    out = out or os.path.join(here, "results", time.strftime(f"{prefix}-%Y%m%d-%H%M%S.json"))
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    chart = os.path.splitext(out)[0] + ".svg"
    data = dict(data, rows=table, chart=chart, loadavg_end=os.getloadavg())
    with open(out, "w") as f:
        json.dump(data, f, indent=1)
    svg_chart(chart, title, table, columns)
    print(f"# JSON in {out}, chart in {chart}")
