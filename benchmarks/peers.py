"""ndflow next to Keras on TensorFlow and PyTorch: every workload, interleaved, in one run.

Each measurement runs in a fresh Python process (``--child``), so frameworks never share a
process, a thread pool or a heap, and the child's peak resident memory is that framework's
peak for the workload. Within a workload the frameworks take turns, in an order rotated at
every repeat, so a busy machine slows them alike; the table gives medians over the repeats
and the ratio ndflow time / other time (below 1: ndflow is faster). The results are written
to ``benchmarks/results/<date>.json`` with a bar chart next to it (when matplotlib is
installed). Frameworks that are not installed are skipped with a message.

    python benchmarks/peers.py                      # everything, 3 repeats (many minutes)
    python benchmarks/peers.py --quick              # tiny sizes, 1 repeat: checks the harness
    python benchmarks/peers.py --workloads iris,mnist --frameworks ndflow,torch,numpy
    python benchmarks/peers.py --plot benchmarks/results/2025-01-01.json   # redraw a chart
"""

import argparse
import datetime
import importlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
MARK = "@@ndflow-bench@@ "  # prefixes the child's result line among anything else it prints

# framework -> (the module it needs, how the table names it)
FRAMEWORKS = {
    "ndflow": ("ndflow", "ndflow"),
    "ndflow-eager": ("ndflow", "ndflow, run_eagerly=True"),
    "ndflow-pinn": ("ndflow", "ndflow, PINN.train_step"),
    "tensorflow": ("tensorflow", "keras/tensorflow"),
    "torch": ("torch", "torch"),
    "sklearn": ("sklearn", "scikit-learn MLPClassifier"),
    "numpy": ("numpy", "numpy"),
}


@dataclass
class Workload:
    key: str
    module: str
    function: str
    title: str
    per: str  # what one figure is the time of
    labels: dict = field(default_factory=dict)  # framework -> label, for limit rows
    needs: tuple = ()  # modules every framework needs for the data

    def frameworks(self):
        return importlib.import_module(self.module).FRAMEWORKS

    def label(self, framework):
        return self.labels.get(framework, FRAMEWORKS[framework][1])


WORKLOADS = [
    Workload("import", "import_time", "run", "import time (fresh interpreter)", "import",
             {"numpy": "numpy (floor: ndflow imports it)"}),
    Workload("op", "op_overhead", "run", "per-op time, 8x8 float32, no tape "
             "(mean of add, matmul, reduce_sum, x*2.0)", "op", {"numpy": "numpy (limit)"}),
    Workload("op_tape", "op_overhead", "run_taped", "per-op time inside a GradientTape "
             "watching the inputs (torch: requires_grad)", "op", {"numpy": "numpy, no tape"}),
    Workload("iris", "iris_fit", "run", "iris course fit: Dense 8 relu -> Dense 3 softmax, "
             "adam, 200 epochs, batch 8", "fit", {"numpy": "hand-written numpy loop (limit)"},
             needs=("sklearn",)),
    Workload("mnist", "mnist_mlp", "run", "MNIST-shaped MLP: 60,000 x 784, Dense 512-512-10, "
             "batch 128", "epoch", {"numpy": "numpy GEMMs only (limit)"}),
    Workload("cnn", "cnn_fit", "run", "course CNN on CIFAR-shaped data: 5,000 images "
             "32x32x3, batch 16", "epoch"),
    Workload("bilstm", "bilstm_fit", "run", "Embedding + Bidirectional LSTM: 2,000 sequences "
             "of 200 tokens, batch 64", "epoch"),
    Workload("pinn", "pinn_step", "run", "PINN step: u'' + u = 0, 3x64 tanh, 1,000 points, "
             "adam", "step"),
    Workload("digits", "digits_fit", "run", "scikit-learn digits end to end: Dense 64 -> 10, "
             "30 epochs, batch 32", "fit", needs=("sklearn",)),
]
BY_KEY = {w.key: w for w in WORKLOADS}
ROW_ORDER = list(FRAMEWORKS)

# (what, workload, framework, measure, at most): the aims of the peer benchmark
AIMS = [
    ("import ndflow under 0.25 s", "import", "ndflow", "seconds", 0.25),
    ("ndflow adds at most 3 µs per op over NumPy (no tape; mean of the four ops)", "op",
     "numpy", "over_s", 3e-6),
    ("iris fit within 2x of the hand-written NumPy loop", "iris", "numpy", "ratio", 2.0),
    ("compiled iris fit at least 2x faster than run_eagerly=True", "iris", "ndflow-eager",
     "ratio", 0.5),
    ("peak memory of the iris run under 160 MB", "iris", "ndflow", "peak_mb", 160.0),
    ("MNIST-shaped MLP epoch within 1.3x of the GEMM-only bound", "mnist", "numpy", "ratio",
     1.3),
    ("course CNN epoch no slower than PyTorch", "cnn", "torch", "ratio", 1.0),
    ("BiLSTM epoch no slower than Keras/TensorFlow", "bilstm", "tensorflow", "ratio", 1.0),
]


# -- running one measurement ------------------------------------------------------------------
def measure_here(workload, framework, size, own_process=True):
    """Run one measurement in this process: ``{"seconds", "peak_mb", "info"}``.

    The peak memory is this process's, so it means something only in a fresh one
    (``own_process``), unless the workload reports its own (import: its child's).
    """
    from _common import peak_rss_mb

    info = {}
    fn = getattr(importlib.import_module(workload.module), workload.function)
    seconds = fn(framework, size, info)
    peak = info.pop("peak_mb", None) or (round(peak_rss_mb(), 1) if own_process else None)
    return {"seconds": seconds, "peak_mb": peak, "info": info}


def child_main(key, framework, size):
    """The ``--child`` entry point: one measurement, printed as a marked JSON line."""
    try:
        result = measure_here(BY_KEY[key], framework, size)
    except Exception as e:  # reported to the parent, which goes on with the others
        traceback.print_exc()
        result = {"error": f"{type(e).__name__}: {e}"}
    print(MARK + json.dumps(result), flush=True)


def child_env(threads):
    env = dict(os.environ)
    paths = [str(HERE), str(HERE.parent / "src"), env.get("PYTHONPATH")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if threads:
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
            env[name] = str(threads)
    return env


def measure_child(workload, framework, size, env, timeout):
    """Run one measurement in a fresh interpreter; ``{"error": ...}`` when it fails."""
    command = [sys.executable, str(HERE / "peers.py"), "--child", workload.key, framework, size]
    try:
        proc = subprocess.run(command, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    last = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
    return {"error": last}


# -- the run ----------------------------------------------------------------------------------
def installed(module):
    return module == "ndflow" or importlib.util.find_spec(module) is not None


def load_average():
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def versions():
    """Versions of the packages involved, read from their metadata (nothing imported)."""
    out = {"python": platform.python_version()}
    for name, dists in (("numpy", ["numpy"]), ("ndflow", ["ndflow"]),
                        ("tensorflow", ["tensorflow-cpu", "tensorflow"]), ("keras", ["keras"]),
                        ("torch", ["torch"]), ("sklearn", ["scikit-learn"])):
        for dist in dists:
            try:
                out[name] = importlib.metadata.version(dist)
                break
            except importlib.metadata.PackageNotFoundError:
                continue
    return out


def run_workload(workload, frameworks, args, env, report):
    """Measure ``workload`` in each framework ``args.repeats`` times, order rotated."""
    size = "quick" if args.quick else "full"
    entry = {"key": workload.key, "title": workload.title, "per": workload.per,
             "load_start": load_average(), "results": {}, "skipped": {}}
    missing = [m for m in workload.needs if not installed(m)]
    runnable = []
    for fw in workload.frameworks():
        if fw not in frameworks:
            continue
        module = FRAMEWORKS[fw][0]
        if missing or not installed(module):
            entry["skipped"][fw] = f"{(missing or [module])[0]} is not installed"
        else:
            runnable.append(fw)
    for fw, why in entry["skipped"].items():
        print(f"  {workload.key}: {fw} skipped ({why})", flush=True)

    def once(fw):
        if args.in_process:
            try:
                return measure_here(workload, fw, size, own_process=False)
            except Exception as e:
                return {"error": f"{type(e).__name__}: {e}"}
        return measure_child(workload, fw, size, env, args.timeout)

    if workload.key == "import":  # fills the file-system and byte-code caches
        for fw in runnable:
            once(fw)
    samples = {fw: [] for fw in runnable}
    for r in range(args.repeats):
        shift = r % len(runnable) if runnable else 0
        for fw in runnable[shift:] + runnable[:shift]:
            result = once(fw)
            samples[fw].append(result)
            print(f"  {workload.key:<8} repeat {r + 1}  {fw:<13} {describe(result)}", flush=True)
    for fw in runnable:
        entry["results"][fw] = summarize(samples[fw], workload.label(fw))
    base = entry["results"].get("ndflow", {}).get("median")
    for result in entry["results"].values():
        result["ratio"] = (base / result["median"]
                           if base is not None and result.get("median") else None)
    entry["load_end"] = load_average()
    report["workloads"].append(entry)


def describe(result):
    if "error" in result:
        return f"failed: {result['error']}"
    peak = result.get("peak_mb")
    return f"{fmt_time(result['seconds'])}" + (f"   peak {peak:.0f} MB" if peak else "")


def summarize(samples, label):
    """Medians and spread of one framework's repeats (errors kept as text)."""
    good = [s for s in samples if "error" not in s]
    out = {"label": label, "times": [s["seconds"] for s in good]}
    if not good:
        out.update(median=None, min=None, max=None, peak_mb=None, info={},
                   error=samples[0]["error"] if samples else "not run")
        return out
    peaks = [s["peak_mb"] for s in good if s.get("peak_mb")]
    out.update(median=statistics.median(out["times"]), min=min(out["times"]),
               max=max(out["times"]), peak_mb=max(peaks) if peaks else None,
               info=good[-1].get("info", {}))
    if len(good) < len(samples):
        out["error"] = next(s["error"] for s in samples if "error" in s)
    return out


def check_aims(report):
    """Each aim whose measurements are in ``report``: value, target and whether it is met."""
    if report["size"] != "full":
        return []  # tiny sizes say nothing about the aims
    entries = {w["key"]: w["results"] for w in report["workloads"]}
    out = []
    for what, key, fw, measure, target in AIMS:
        result = entries.get(key, {}).get(fw, {})
        if measure == "seconds":
            value = result.get("median")
        elif measure == "peak_mb":
            value = result.get("peak_mb")
        elif measure == "over_s":  # ndflow's time minus that row's
            base = entries.get(key, {}).get("ndflow", {}).get("median")
            value = (base - result["median"]
                     if base is not None and result.get("median") is not None else None)
        else:
            value = result.get("ratio")
        if value is not None:
            out.append({"aim": what, "workload": key, "framework": fw, "measure": measure,
                        "value": value, "target": target, "met": value <= target})
    return out


# -- output -----------------------------------------------------------------------------------
def fmt_time(seconds):
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_tick(seconds):
    for scale, unit in ((1e-6, "µs"), (1e-3, "ms"), (1, "s")):
        if seconds < scale * 1000 or unit == "s":
            return f"{seconds / scale:g} {unit}"
    return f"{seconds:g} s"


def fmt_info(info):
    parts = []
    if "accuracy" in info:
        parts.append(f"accuracy {info['accuracy']:.3f}")
    if "first_loss" in info:
        parts.append(f"first loss {info['first_loss']:.4g}")
    if "us_per_op" in info:
        parts.append(" ".join(f"{op.split()[0]} {us:.2f}" for op, us in info["us_per_op"].items())
                     + " µs")
    return ", ".join(parts)


def print_table(report):
    env = report["environment"]
    names = ("ndflow", "numpy", "tensorflow", "keras", "torch", "sklearn")
    print(f"\nndflow vs peers, {report['date']}: {report['size']} size, median of "
          f"{report['repeats']} repeat(s), each in a fresh process")
    print("  " + ", ".join(f"{n} {env['versions'][n]}" for n in ("python", *names)
                           if n in env["versions"]))
    print(f"  {env['cpus']} CPUs, {env['machine']}; load average {report['load_start']} at "
          f"the start, {report.get('load_end')} at the end; threads: "
          f"{env['threads'] or 'default'}")
    print("  nd/this = ndflow's time / this row's time (below 1: ndflow is faster)")
    if report["size"] != "full":
        print("  QUICK sizes: the titles give the full sizes; no aims judged")
    head = f"  {'':<38}{'median':>11}{'min':>11}{'max':>11}{'nd/this':>9}{'peak MB':>9}  notes"
    for w in report["workloads"]:
        print(f"\n{w['title']}: time per {w['per']}  (load {w['load_start']})")
        print(head)
        rows = sorted(w["results"].items(), key=lambda kv: ROW_ORDER.index(kv[0]))
        for _, r in rows:
            ratio = f"{r['ratio']:.3g}" if r.get("ratio") is not None else "-"
            peak = f"{r['peak_mb']:.0f}" if r.get("peak_mb") else "-"
            note = fmt_info(r["info"]) or ""
            if r.get("error"):
                note = (note + "; " if note else "") + f"failed: {r['error']}"
            print(f"  {r['label']:<38}{fmt_time(r['median']):>11}{fmt_time(r['min']):>11}"
                  f"{fmt_time(r['max']):>11}{ratio:>9}{peak:>9}  {note}")
        for fw, why in w["skipped"].items():
            print(f"  {FRAMEWORKS[fw][1]:<38}  skipped: {why}")
    if report["aims"]:
        print("\nAims (ratio: ndflow / that row)")
        for a in report["aims"]:
            value = (f"{a['value']:.3f} s" if a["measure"] == "seconds" else
                     f"{a['value'] * 1e6:.2f} µs" if a["measure"] == "over_s" else
                     f"{a['value']:.0f} MB" if a["measure"] == "peak_mb" else
                     f"ndflow/{a['framework']} = {a['value']:.2f}")
            target = (f"{a['target'] * 1e6:g} µs" if a["measure"] == "over_s"
                      else f"{a['target']:g}")
            print(f"  {'met    ' if a['met'] else 'NOT met'}  {a['aim']}: {value} "
                  f"(at most {target})")


def result_path(out_dir, quick):
    stem = datetime.date.today().isoformat() + ("-quick" if quick else "")
    path, n = out_dir / f"{stem}.json", 2
    while path.exists():
        path, n = out_dir / f"{stem}-{n}.json", n + 1
    return path


def save(report, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=1) + "\n")
    tmp.replace(path)


def plot(report, path):
    """A bar chart per workload (log time axis), ratios on the bars; False without matplotlib."""
    if importlib.util.find_spec("matplotlib") is None:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    workloads = [w for w in report["workloads"]
                 if any(r.get("median") for r in w["results"].values())]
    if not workloads:
        return False
    cols = min(3, len(workloads))
    rows = -(-len(workloads) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 2.9 * rows), squeeze=False)
    colors = dict(zip(ROW_ORDER, plt.get_cmap("tab10").colors))
    for ax, w in zip(axes.flat, workloads):
        items = [(fw, r) for fw, r in sorted(w["results"].items(),
                                             key=lambda kv: ROW_ORDER.index(kv[0]))
                 if r.get("median")]
        medians = [r["median"] for _, r in items]
        y = list(range(len(items)))
        ax.barh(y, medians, color=[colors[fw] for fw, _ in items])
        ax.set_yticks(y, [r["label"] for _, r in items], fontsize=8)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlim(min(medians) / 4, max(medians) * 40)  # room for the labels on the right
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_tick(v)))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(f"{w['key']}: time per {w['per']}", fontsize=9)
        for i, (fw, r) in enumerate(items):
            text = fmt_time(r["median"])
            if fw != "ndflow" and r.get("ratio") is not None:
                text += f"  (nd/this {r['ratio']:.2g})"
            ax.text(r["median"], i, " " + text, va="center", fontsize=7)
    for ax in list(axes.flat)[len(workloads):]:
        ax.axis("off")
    v = report["environment"]["versions"]
    fig.suptitle(f"ndflow vs peers ({report['date']}, {report['size']}, median of "
                 f"{report['repeats']}; load {report['load_start']} -> "
                 f"{report.get('load_end')}); "
                 + ", ".join(f"{k} {v[k]}" for k in ("ndflow", "tensorflow", "torch")
                             if k in v), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# -- command line -----------------------------------------------------------------------------
def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check the harness")
    parser.add_argument("--repeats", type=int, help="runs per framework (default 3; quick 1)")
    parser.add_argument("--workloads", help=f"comma-separated, of {','.join(BY_KEY)}")
    parser.add_argument("--frameworks", help=f"comma-separated, of {','.join(FRAMEWORKS)}")
    parser.add_argument("--threads", type=int, help="BLAS/OpenMP threads in each child")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per measurement")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for JSON and PNG")
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument("--in-process", action="store_true",
                        help="measure in this process (no memory figures; for debugging)")
    parser.add_argument("--plot", type=Path, metavar="JSON", help="only draw a saved result")
    parser.add_argument("--child", nargs=3, metavar=("WORKLOAD", "FRAMEWORK", "SIZE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 3)
    return parser, args


def choose(parser, text, known, what):
    if not text:
        return list(known)
    chosen = [s.strip() for s in text.split(",") if s.strip()]
    wrong = [s for s in chosen if s not in known]
    if wrong:
        parser.error(f"unknown {what} {', '.join(wrong)}; known: {', '.join(known)}")
    return chosen


def main(argv=None):
    parser, args = parse(argv)
    if args.child:
        return child_main(*args.child)
    if args.plot:
        png = args.plot.with_suffix(".png")
        drawn = plot(json.loads(args.plot.read_text()), png)
        print(f"chart written to {png}" if drawn else "matplotlib is not installed: no chart")
        return None
    workloads = [BY_KEY[k] for k in choose(parser, args.workloads, BY_KEY, "workload")]
    frameworks = choose(parser, args.frameworks, FRAMEWORKS, "framework")
    report = {
        "schema": 1, "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "size": "quick" if args.quick else "full", "repeats": args.repeats,
        "environment": {"versions": versions(), "cpus": os.cpu_count(),
                        "machine": f"{platform.system()} {platform.machine()}",
                        "threads": args.threads, "in_process": args.in_process},
        "load_start": load_average(), "workloads": [], "aims": [],
    }
    path = None if args.no_save else result_path(args.out, args.quick)
    env = child_env(args.threads)
    print(f"ndflow vs peers: {len(workloads)} workload(s), {args.repeats} repeat(s), "
          f"{report['size']} size; load {report['load_start']}", flush=True)
    for workload in workloads:
        run_workload(workload, frameworks, args, env, report)
        report["load_end"] = load_average()
        report["aims"] = check_aims(report)
        if path:
            save(report, path)  # after every workload: a cut-short run keeps what it has
    print_table(report)
    if path:
        print(f"\nresults written to {path}")
        png = path.with_suffix(".png")
        if plot(report, png):
            print(f"chart written to {png}")
        else:
            print("matplotlib is not installed: no chart (draw it later with "
                  f"`python benchmarks/peers.py --plot {path}`)")
    return report


if __name__ == "__main__":
    main()
