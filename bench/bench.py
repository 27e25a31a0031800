#!/usr/bin/env python3
"""nvmu benchmark harness: nvmu perf against the guest kernel's own NVMe paths.

One guest boot of the rig (tests/rig/nvmu-rig), one emulated NVMe controller with a
null-co namespace. In that guest: fio psync and io_uring on /dev/nvme0n1 and fio
io_uring_cmd on /dev/ng0n1 with the kernel nvme driver, then `nvmu bind` and
`nvmu perf` for the same rows. Prints a table, writes JSON and a PNG chart.
Usually started by bench/run.sh; see docs/bench.md. Python standard library only.
"""
import argparse
import datetime
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RIG = os.path.join(REPO, "tests", "rig", "nvmu-rig")
BDF = "0000:00:10.0"

KERNEL_PATHS = ("psync", "io_uring", "io_uring_cmd")
PATHS = KERNEL_PATHS + ("nvmu",)
WORKLOADS = ("randread", "randwrite")
# (queue depth per queue, threads): one queue at QD 1, 4 and 32, then 2 threads at QD 32.
SHAPES = ((1, 1), (4, 1), (32, 1), (32, 2))
BLOCK = 4096

RIG_CTRL = "serial=bench,max_ioqpairs=8"
RIG_NS = "size=4G,backend=null"

NOTES = [
    "psync has no queue: 'QD N' is N fio jobs with one I/O each (numjobs=QD x threads,"
    " iodepth=1; 2 threads at QD32 = 64 jobs).",
    "io_uring (/dev/nvme0n1, direct=1) and io_uring_cmd (/dev/ng0n1, cmd_type=nvme): one fio"
    " job per thread, iodepth=QD; kernel nvme driver with interrupts, I/O scheduler none.",
    "nvmu: nvmu perf -q QD [--threads N] on the same controller after nvmu bind (vfio-pci).",
    "'nvmu/x' = nvmu IOPS / path x IOPS in this run (>1: nvmu is faster). Under QEMU TCG"
    " absolute numbers mean little: compare within one run only.",
]


def row_key(workload, qd, threads):
    return f"{workload}.q{qd}.t{threads}"


def rows():
    return [(w, qd, t) for w in WORKLOADS for (qd, t) in SHAPES]


# ---------------------------------------------------------------- plan (guest script)

def fio_args(path, workload, qd, threads, ramp, runtime):
    common = [f"--name={path}", f"--rw={workload}", f"--bs={BLOCK}", "--thread",
              "--time_based", f"--ramp_time={ramp}", f"--runtime={runtime}",
              "--group_reporting", "--norandommap", "--randrepeat=0",
              "--clat_percentiles=0"]
    if path == "psync":
        return [f"--filename=/dev/nvme0n1", "--ioengine=psync", "--direct=1", "--iodepth=1",
                f"--numjobs={qd * threads}"] + common
    if path == "io_uring":
        return ["--filename=/dev/nvme0n1", "--ioengine=io_uring", "--direct=1",
                f"--iodepth={qd}", f"--numjobs={threads}"] + common
    if path == "io_uring_cmd":
        return ["--filename=/dev/ng0n1", "--ioengine=io_uring_cmd", "--cmd_type=nvme",
                f"--iodepth={qd}", f"--numjobs={threads}"] + common
    raise ValueError(path)


def nvmu_args(workload, qd, threads, ramp, runtime):
    args = [BDF, "-w", workload, "-b", str(BLOCK), "-q", str(qd), "-t", str(runtime),
            "-a", str(ramp)]
    if threads > 1:
        args += ["--threads", str(threads)]
    return args + ["-o", "json"]


PROBE_ARGS = {
    "psync": ("/dev/nvme0n1", ["--ioengine=psync", "--direct=1", "--rw=randread", "--bs=4096"]),
    "io_uring": ("/dev/nvme0n1", ["--ioengine=io_uring", "--direct=1", "--rw=randread",
                                  "--bs=4096", "--iodepth=4"]),
    "io_uring_cmd": ("/dev/ng0n1", ["--ioengine=io_uring_cmd", "--cmd_type=nvme",
                                    "--rw=randread", "--bs=4096", "--iodepth=4"]),
}


def run_limit(ramp, runtime):
    """Deadline of one measured run inside the guest (fio start-up under TCG is slow)."""
    return ramp + runtime + 120


def q(words):
    """Quote words for busybox sh."""
    out = []
    for w in words:
        if all(c.isalnum() or c in "-_=./:," for c in w):
            out.append(w)
        else:
            out.append("'" + w.replace("'", "'\\''") + "'")
    return " ".join(out)


def guest_script(args):
    with open(os.path.join(HERE, "guest.sh")) as f:
        text = f.read()
    lines = ["", "# ---- plan written by bench/bench.py"]
    for p in args.paths:
        if p == "nvmu":
            continue
        dev, pargs = PROBE_ARGS[p]
        lines.append(f"ok_{p}=0; probe {p} {dev} {q(pargs)} && ok_{p}=1")
    limit = run_limit(args.ramp, args.runtime)
    # Row-major: the kernel paths of one row run back to back, so slow drifts of the
    # host's load hit them alike. --repeat runs the whole sequence again (run ids end
    # in "#round"); the host keeps the median.
    for rnd in range(1, args.repeat + 1):
        for (w, qd, t) in rows():
            for p in args.paths:
                if p == "nvmu":
                    continue
                rid = f"{p}.{row_key(w, qd, t)}#{rnd}"
                lines.append(f"[ $ok_{p} = 1 ] && run_fio {rid} {limit} "
                             f"{q(fio_args(p, w, qd, t, args.ramp, args.runtime))}")
    if "nvmu" in args.paths:
        lines.append("if nvmu_phase; then")
        for rnd in range(1, args.repeat + 1):
            for (w, qd, t) in rows():
                rid = f"nvmu.{row_key(w, qd, t)}#{rnd}"
                lines.append(f"\trun_nvmu {rid} {limit} "
                             f"{q(nvmu_args(w, qd, t, args.ramp, args.runtime))}")
        lines.append(f"\tnvmu unbind {BDF} >/dev/null 2>&1")
        lines.append("fi")
    lines.append("echo '@@bench-done'")
    lines.append("exit 0")
    return text + "\n".join(lines) + "\n"


def rig_timeout(args):
    runs = len(rows()) * len(args.paths) * args.repeat
    per_run = args.ramp + args.runtime + 25  # fio start-up and JSON over the serial port
    return int(180 + 3 * 30 + runs * per_run * 1.5)


# ---------------------------------------------------------------- parsing guest output

def first_json(text):
    """The first JSON object in text (fio may print notes before it), or None."""
    i = text.find("{")
    while i >= 0:
        try:
            obj, _ = json.JSONDecoder().raw_decode(text[i:])
            return obj
        except ValueError:
            i = text.find("{", i + 1)
    return None


def fio_error_text(log, rc):
    lines = [l for l in log.splitlines() if l.strip()]
    errs = [l for l in lines if "fio:" in l or "error" in l.lower() or "err=" in l]
    text = "; ".join(errs[-2:]) if errs else (lines[-1] if lines else "")
    if rc in (124, 143):
        text = f"killed at its deadline (exit {rc}) " + text
    return text.strip() or f"exit status {rc}, no output"


def parse_fio(workload, body, log, rc):
    side = "read" if "read" in workload else "write"
    data = first_json(body)
    if data is None or not data.get("jobs"):
        return {"status": "failed", "error": fio_error_text(log + "\n" + body, rc)}
    job = data["jobs"][0]
    if job.get("error", 0) != 0 or rc != 0:
        return {"status": "failed",
                "error": f"fio error {job.get('error')} (exit {rc}): {fio_error_text(log, rc)}"}
    stats = job.get(side, {})
    iops = float(stats.get("iops", 0))
    lat = stats.get("lat_ns", {}).get("mean")
    if iops <= 0 or lat is None:
        return {"status": "failed", "error": f"no {side} I/O completed: {fio_error_text(log, rc)}"}
    return {"status": "ok", "iops": iops, "mean_latency_us": float(lat) / 1000.0}


def parse_nvmu(body, log, rc):
    data = first_json(body)
    if rc != 0:
        return {"status": "failed", "error": f"nvmu perf exit {rc}: {fio_error_text(log, rc)}"}
    if not isinstance(data, dict):
        return {"status": "failed", "error": "nvmu perf printed no JSON object"}
    total = data.get("total")
    try:
        iops = float(total["iops"])
        lat = float(total["mean_latency_us"])
    except (TypeError, KeyError, ValueError):
        return {"status": "failed",
                "error": "nvmu perf JSON breaks the contract (docs/bench.md): "
                         "needs total.iops and total.mean_latency_us"}
    if iops <= 0:
        return {"status": "failed", "error": "nvmu perf reported 0 IOPS"}
    return {"status": "ok", "iops": iops, "mean_latency_us": lat}


class GuestOutput:
    """Reads the rig's stdout line by line and collects results."""

    def __init__(self, progress, total_runs):
        self.results = {}       # "path.rowkey" -> [result dict of each round]
        self.unsupported = {}   # path -> reason
        self.info = {}
        self.chatter = []
        self.done = False
        self.block = None       # [id, json lines, log lines, in_log]
        self.progress = progress
        self.total = total_runs
        self.count = 0

    def line(self, line):
        if self.block is not None:
            if line == "@@bench-log":
                self.block[3] = True
            elif line.startswith("@@bench-end "):
                parts = line.split()
                rc = int(parts[2]) if len(parts) > 2 and parts[2].lstrip("-").isdigit() else -1
                self.finish(self.block[0], "\n".join(self.block[1]), "\n".join(self.block[2]), rc)
                self.block = None
            else:
                self.block[2 if self.block[3] else 1].append(line)
            return
        if line.startswith("@@bench-begin "):
            self.block = [line.split()[1], [], [], False]
        elif line.startswith("@@bench-info "):
            _, key, *val = line.split(" ", 2)
            self.info[key] = val[0] if val else ""
        elif line.startswith("@@bench-unsupported "):
            _, path, *reason = line.split(" ", 2)
            self.unsupported[path] = reason[0] if reason else "unsupported"
            self.progress(f"{path}: {self.unsupported[path]}")
        elif line == "@@bench-done":
            self.done = True
        else:
            self.chatter.append(line)

    def finish(self, rid, body, log, rc):
        rid = rid.split("#", 1)[0]
        path, rest = rid.split(".", 1)
        workload = rest.split(".", 1)[0]
        res = parse_nvmu(body, log, rc) if path == "nvmu" else parse_fio(workload, body, log, rc)
        self.results.setdefault(rid, []).append(res)
        self.count += 1
        if res["status"] == "ok":
            what = f"{res['iops']:.0f} IOPS, {res['mean_latency_us']:.1f} us"
        else:
            what = "FAILED: " + res["error"]
        self.progress(f"[{self.count}/{self.total}] {path} {rest}: {what}")


# ---------------------------------------------------------------- results

def combine(runs):
    """One cell from the rounds of one path and row: the median round by IOPS."""
    ok = sorted((r for r in runs if r["status"] == "ok"), key=lambda r: r["iops"])
    if not ok:
        return dict(runs[0])
    cell = dict(ok[(len(ok) - 1) // 2])  # the lower median: a real round, not an average
    if len(runs) > 1:
        cell["rounds"] = [{k: v for k, v in r.items()} for r in runs]
        cell["iops_spread"] = [ok[0]["iops"], ok[-1]["iops"]]
    return cell


def collect(args, out, rig_status):
    table_rows = []
    for (w, qd, t) in rows():
        key = row_key(w, qd, t)
        cells = {}
        for p in PATHS:
            rid = f"{p}.{key}"
            if p not in args.paths:
                cells[p] = {"status": "skipped", "error": "not selected (--paths)"}
            elif rid in out.results:
                cells[p] = combine(out.results[rid])
            elif p in out.unsupported:
                cells[p] = {"status": "n/a" if p == "nvmu" else "unsupported",
                            "error": out.unsupported[p]}
            else:
                why = "the run ended before this row" + (
                    " (deadline passed)" if rig_status == 124 else f" (rig exit {rig_status})")
                cells[p] = {"status": "missing", "error": why}
        ratios = {}
        nv = cells["nvmu"]
        for k in KERNEL_PATHS:
            kc = cells[k]
            if nv["status"] == "ok" and kc["status"] == "ok":
                ratios[k] = {"iops_ratio": nv["iops"] / kc["iops"],
                             "latency_ratio": nv["mean_latency_us"] / kc["mean_latency_us"]}
            else:
                ratios[k] = None
        table_rows.append({"workload": w, "block_size": BLOCK, "queue_depth": qd,
                           "threads": t, "paths": cells, "nvmu_vs": ratios})
    return table_rows


SHORT = {"psync": "psync", "io_uring": "uring", "io_uring_cmd": "cmd"}


def format_table(table_rows, notes):
    reasons = []  # footnotes for cells that are not numbers

    def footnote(text):
        if text not in reasons:
            reasons.append(text)
        return reasons.index(text) + 1

    cw = 17
    head1 = f"{'workload':<10}{'QD':>3}{'thr':>4} "
    head2 = " " * 18
    for p in PATHS:
        head1 += "| " + f"{p:<{cw}}"
        head2 += "| " + f"{'IOPS':>8}{'lat us':>8} "
    head1 += "| nvmu/x (IOPS)"
    head2 += "| " + " ".join(f"{SHORT[k]:>6}" for k in KERNEL_PATHS)
    lines = [head1, head2, "-" * len(head2)]
    for r in table_rows:
        line = f"{r['workload']:<10}{r['queue_depth']:>3}{r['threads']:>4} "
        for p in PATHS:
            c = r["paths"][p]
            if c["status"] == "ok":
                cell = f"{c['iops']:>8.0f}{c['mean_latency_us']:>8.1f} "
            else:
                label = {"failed": "FAILED", "missing": "no result", "n/a": "n/a",
                         "unsupported": "unsupported", "skipped": "skipped"}[c["status"]]
                mark = footnote(f"{p} {label}: {c['error']}")
                cell = f"{label + ' [' + str(mark) + ']':^{cw - 1}} "
            line += "| " + cell
        line += "| " + " ".join(
            f"{(format(x['iops_ratio'], '.2f') + 'x') if x else '-':>6}"
            for x in (r["nvmu_vs"][k] for k in KERNEL_PATHS))
        lines.append(line)
    slower = [f"{r['workload']} QD{r['queue_depth']} x{r['threads']} vs {k} "
              f"({r['nvmu_vs'][k]['iops_ratio']:.2f}x)"
              for r in table_rows for k in KERNEL_PATHS
              if r["nvmu_vs"][k] and r["nvmu_vs"][k]["iops_ratio"] < 1]
    measured = sum(1 for r in table_rows for k in KERNEL_PATHS if r["nvmu_vs"][k])
    lines.append("")
    if measured:
        lines.append(f"nvmu is faster than the kernel path in {measured - len(slower)} of "
                     f"{measured} comparisons" + (": SLOWER in " + ", ".join(slower)
                                                  if slower else "."))
    for n in notes:
        lines.append("* " + n)
    for i, text in enumerate(reasons):
        lines.append(f"[{i + 1}] {text}")
    return "\n".join(lines)


def git_commit():
    try:
        r = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                           capture_output=True, text=True, timeout=10)
        return r.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


# ---------------------------------------------------------------- chart (gnuplot)

def chart(table_rows, png, title, subtitle, log):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        log("no gnuplot: chart skipped (bench/run.sh installs gnuplot-nox)")
        return False
    tmp = tempfile.mkdtemp(prefix="nvmu-bench-plot.")
    try:
        data = os.path.join(tmp, "data.txt")
        with open(data, "w") as f:
            for r in table_rows:
                shape = (f"QD{r['queue_depth']}" if r["threads"] == 1
                         else f"{r['threads']}x QD{r['queue_depth']}")
                vals = []
                for field in ("iops", "mean_latency_us", "status"):
                    for p in PATHS:
                        c = r["paths"][p]
                        if field == "status":
                            vals.append("" if c["status"] == "ok" else
                                        {"failed": "FAILED", "missing": "no-result"}
                                        .get(c["status"], c["status"]))
                            vals[-1] = vals[-1] or "-"
                        else:
                            vals.append(f"{c[field]:.3f}" if c["status"] == "ok" else "?")
                f.write(f"{r['workload']} {shape.replace(' ', '_')} " + " ".join(vals) + "\n")
        n = len(PATHS)
        colors = ["#8c8c8c", "#4a90d9", "#2e5f8a", "#e8743b"]
        width = 0.8 / n
        xtics = ", ".join(
            f"\"{r['workload']}\\n" + (f"QD{r['queue_depth']}" if r["threads"] == 1
                                          else f"{r['threads']}x QD{r['queue_depth']}")
            + f"\" {i}" for i, r in enumerate(table_rows))

        def span(field):  # y range: headroom above the tallest bar for its rotated label
            vals = [c[field] for r in table_rows for c in r["paths"].values()
                    if c["status"] == "ok" and c[field] > 0]
            if not vals:
                return 1, 10
            lo = 10 ** math.floor(math.log10(min(vals) / 2))
            return lo, max(vals) * 4

        def plots(first_col, label_fmt, lo):
            out = []
            for j, p in enumerate(PATHS):
                col = first_col + j
                off = (j - (n - 1) / 2) * width
                # a cell without a number says why at the foot of its bar's place
                out.append(f"'{data}' using ($0{off:+.4f}):(strcol({3 + 2 * n + j}) eq '-' ? NaN "
                           f": {lo * 1.2:g}):(strcol({3 + 2 * n + j})) with labels rotate by 90 "
                           f"left font ',8' tc rgb '#b00000' notitle")
                if not any(r["paths"][p]["status"] == "ok" for r in table_rows):
                    status = {r["paths"][p]["status"] for r in table_rows}
                    out.append(f"NaN with boxes lc rgb '{colors[j]}' "
                               f"title '{p}: {'/'.join(sorted(status))}'")
                    continue
                out.append(f"'{data}' using ($0{off:+.4f}):(column({col})) with boxes "
                           f"lc rgb '{colors[j]}' title '{p}'")
                out.append(f"'{data}' using ($0{off:+.4f}):(column({col})):"
                           f"(sprintf('{label_fmt}', column({col}))) with labels "
                           f"rotate by 90 left offset 0,0.3 font ',8' notitle")
            return ", ".join(out)

        script = f"""
set terminal pngcairo size 1400,1000 font 'DejaVu Sans,11' noenhanced
set output '{png}'
set datafile missing '?'
set style fill solid 0.9 border rgb '#333333'
set boxwidth {width * 0.95:.4f}
set grid ytics lc rgb '#dddddd'
set key outside right top vertical
set xrange [-0.6:{len(table_rows) - 0.4}]
set xtics ({xtics}) scale 0
set logscale y
set bmargin 4
set multiplot layout 2,1 title "{title}\\n{subtitle}" font ',12'
set ylabel 'IOPS (log scale; higher is better)'
set yrange [{span("iops")[0]:g}:{span("iops")[1]:.0f}]
set format y '%.0s%c'
plot {plots(3, "%.0f", span("iops")[0])}
set ylabel 'mean latency, us (log scale; lower is better)'
set yrange [{span("mean_latency_us")[0]:g}:{span("mean_latency_us")[1]:.0f}]
set format y '%g'
plot {plots(3 + n, "%.0f", span("mean_latency_us")[0])}
unset multiplot
"""
        sp = os.path.join(tmp, "chart.gp")
        with open(sp, "w") as f:
            f.write(script)
        r = subprocess.run([gnuplot, sp], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            log("gnuplot failed: " + r.stderr.strip().splitlines()[-1] if r.stderr.strip()
                else f"gnuplot failed (exit {r.returncode})")
            return False
        return True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bench/run.sh",
        description="nvmu perf against the guest kernel's NVMe paths (fio psync, io_uring, "
                    "io_uring_cmd) in one guest boot; see docs/bench.md.")
    p.add_argument("--runtime", type=int, default=5, help="measured seconds per run (default 5)")
    p.add_argument("--ramp", type=int, default=2,
                   help="warm-up seconds per run, not measured (default 2)")
    p.add_argument("--repeat", type=int, default=1,
                   help="run the whole sequence N times in the same boot and keep each "
                        "cell's median round by IOPS (default 1)")
    p.add_argument("--out", help="results JSON (default bench/results/bench-DATE.json); "
                                 "the chart and guest log go beside it (.png, .log)")
    p.add_argument("--build-dir", default="build-gcc",
                   help="meson build directory copied into the guest (default build-gcc)")
    p.add_argument("--no-build", action="store_true",
                   help="do not run scripts/build.sh first (use the build directory as it is)")
    p.add_argument("--paths", default=",".join(PATHS),
                   help="comma-separated subset of " + ",".join(PATHS) + " (default: all)")
    p.add_argument("--timeout", type=int, help="deadline of the whole guest run in seconds "
                                               "(default: estimated from the plan)")
    p.add_argument("--mem", default="2G", help="guest memory (default 2G)")
    p.add_argument("--smp", type=int, default=2, help="guest CPUs (default 2)")
    p.add_argument("--from-log", metavar="LOG",
                   help="do not boot: rebuild table/JSON/chart from a saved guest log")
    args = p.parse_args(argv)
    args.paths = [x for x in args.paths.split(",") if x]
    bad = [x for x in args.paths if x not in PATHS]
    if bad:
        p.error(f"unknown path(s) {', '.join(bad)}; known: {', '.join(PATHS)}")
    if args.runtime < 1 or args.ramp < 0 or args.repeat < 1:
        p.error("--runtime and --repeat must be >= 1 and --ramp >= 0")
    return args


def main(argv):
    args = parse_args(argv)
    progress = lambda m: print(f"[bench] {m}", file=sys.stderr, flush=True)  # noqa: E731
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_json = args.out or os.path.join(HERE, "results", f"bench-{stamp}.json")
    stem = out_json[:-5] if out_json.endswith(".json") else out_json
    out_png, out_log = stem + ".png", stem + ".log"
    os.makedirs(os.path.dirname(os.path.abspath(out_json)), exist_ok=True)
    total_runs = len(rows()) * len(args.paths) * args.repeat
    out = GuestOutput(progress, total_runs)
    rig_status = 0
    timeout = args.timeout or rig_timeout(args)

    if args.from_log:
        with open(args.from_log, errors="replace") as f:
            for line in f:
                out.line(line.rstrip("\r\n"))
        rig_status = 0 if out.done else 125
    else:
        build = os.path.join(REPO, args.build_dir)
        if not args.no_build:
            progress(f"building nvmu ({args.build_dir})")
            r = subprocess.run([os.path.join(REPO, "scripts", "build.sh"), args.build_dir],
                               cwd=REPO, env=dict(os.environ, CC=os.environ.get("CC", "gcc")))
            if r.returncode != 0:
                progress("build failed; no benchmark run")
                return 2
        if not os.path.isdir(build):
            progress(f"no build directory {build}: the nvmu column will be n/a")
            build = None
        fio = shutil.which("fio")
        if not fio:
            progress("fio is not installed on the host (bench/run.sh installs it)")
            return 2
        tmp = tempfile.mkdtemp(prefix="nvmu-bench.")
        try:
            script = os.path.join(tmp, "bench-guest.sh")
            with open(script, "w") as f:
                f.write(guest_script(args))
            cmd = [sys.executable, RIG, "--timeout", str(timeout), "--mem", args.mem,
                   "--smp", str(args.smp), "--ctrl", RIG_CTRL, "--ns", RIG_NS,
                   "--program", fio]
            if build:
                cmd += ["--build", build]
            cmd.append(script)
            progress(f"{total_runs} runs of {args.ramp}+{args.runtime} s in one guest boot; "
                     f"deadline {timeout} s")
            with open(out_log, "w") as logf:
                proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True,
                                        errors="replace")
                for line in proc.stdout:
                    logf.write(line)
                    logf.flush()
                    out.line(line.rstrip("\r\n"))
                rig_status = proc.wait()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if rig_status != 0:
            progress(f"the rig ended with status {rig_status}"
                     + (" (deadline passed)" if rig_status == 124 else ""))

    table_rows = collect(args, out, rig_status)
    notes = list(NOTES)
    table = format_table(table_rows, notes)
    guest = ", ".join(f"{k} {v}" for k, v in sorted(out.info.items()))
    print()
    print(f"nvmu bench: 4 KiB random I/O, one guest boot, QEMU nvme ({RIG_CTRL}) with a "
          f"null-co namespace; {args.ramp} s warm-up + {args.runtime} s per run"
          + (f", median of {args.repeat} rounds" if args.repeat > 1 else ""))
    if guest:
        print(f"guest: {guest}")
    print()
    print(table)

    result = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "git": git_commit(),
        "config": {"runtime_s": args.runtime, "ramp_s": args.ramp, "repeat": args.repeat,
                   "block_size": BLOCK,
                   "paths": args.paths, "rig": {"ctrl": RIG_CTRL, "ns": RIG_NS,
                                                "mem": args.mem, "smp": args.smp,
                                                "timeout_s": timeout},
                   "bdf": BDF},
        "guest": out.info,
        "rig_status": rig_status,
        "complete": out.done,
        "rows": table_rows,
        "notes": notes,
        "table": table,
    }
    with open(out_json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    title = "nvmu bench: 4 KiB random I/O, QEMU TCG, emulated NVMe (null-co), one guest boot"
    nv = out.unsupported.get("nvmu")
    subtitle = (f"{stamp}, {args.ramp}+{args.runtime} s per run"
                + (f" (median of {args.repeat} rounds)" if args.repeat > 1 else "")
                + f", git {result['git']}; "
                f"compare bars within this chart only" + ("; nvmu: n/a (see the table's notes)" if nv else ""))
    subtitle = subtitle.replace('"', "'").replace("{", "(").replace("}", ")")
    have_png = chart(table_rows, out_png, title, subtitle, progress)
    print()
    print(f"results: {out_json}" + (f", chart: {out_png}" if have_png else "")
          + (f", guest log: {out_log}" if not args.from_log else ""))

    if rig_status != 0:
        if out.done:  # e.g. 1: QEMU logged a pci_nvme_ub_* event (see the rig's stderr)
            progress(f"the guest finished but the rig failed the run (status {rig_status})")
        return 2 if not out.results else 1
    failed = [r for r in table_rows for c in r["paths"].values()
              if c["status"] in ("failed", "missing")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
