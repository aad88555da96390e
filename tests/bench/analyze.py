#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Analysis of netconsole-rs's benchmark data (tests/bench/guest.sh writes it).

  analyze.py knee DIR... SIZE         the C module's knee at SIZE bytes (records/s), for the guest
  analyze.py report DIR OUTDIR [KO_C KO_RUST]
                                      the table on stdout, OUTDIR/results.json, data files for
                                      the plots (tests/bench/plot.gp), OUTDIR/memprofile.txt
                                      (the call sites of the module's live slab objects)
  analyze.py check OUTDIR/results.json
                                      every metric is present with sane, non-zero figures (no
                                      speed threshold); exit 1 otherwise

Python standard library only (the guest runs it with -S).
"""

import bisect
import collections
import gzip
import json
import math
import os
import re
import struct
import subprocess
import sys

REC = struct.Struct("<QI116s")
HDR_RE = re.compile(rb"^(\d+),(\d+),(\d+),[^;]*;")
FRAG_RE = re.compile(rb",ncfrag=(\d+)/(\d+)")
NCB_RE = re.compile(rb"^ncb (\d+) (\d+) (\d+) ")
USER_HZ = 100
LOSS_KNEE = 0.001  # the knee: highest rate with loss below 0.1%


def parse_kv(words):
    d = {}
    for w in words:
        if "=" in w:
            k, v = w.split("=", 1)
            d[k] = v
    return d


def read_manifest(dirs):
    lines = []
    for d in dirs:
        p = os.path.join(d, "manifest")
        if os.path.exists(p):
            with open(p) as f:
                for line in f:
                    w = line.split()
                    if w:
                        lines.append((w[0], line.rstrip("\n")))
    return lines


def find(dirs, name):
    for d in dirs:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    return None


def counters(line, which):
    """The counters after "before:" or "after:" in a manifest line."""
    m = re.search(which + r":((?: \w+=-?\d+)*)", line)
    return {k: int(v) for k, v in parse_kv(m.group(1).split()).items()} if m else {}


def read_recv(path):
    out = []
    if not path:
        return out
    with open(path, "rb") as f:
        data = f.read()
    for off in range(0, len(data) - REC.size + 1, REC.size):
        out.append(REC.unpack_from(data, off))
    return out


def read_gen(path):
    info, costs = {}, []
    if not path:
        return info, costs
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 2:
                info[w[0]] = int(w[1])
            elif len(w) == 1:
                costs.append(int(w[0]))
    return info, costs


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def median(values):
    values = [v for v in values if v is not None]
    return pct(values, 0.5) if values else None


def analyze_run(line, dirs):
    """One generator run: delivered records, loss by cause, latencies, caller cost, CPU."""
    kv = parse_kv(line.split()[1:])
    run, count = int(kv["run"]), int(kv["count"])
    recs = read_recv(find(dirs, kv["file"] + ".recv"))
    info, costs = read_gen(find(dirs, kv["file"] + ".gen"))
    # The generator stops early when its time is up: what it logged is what was offered.
    count = min(count, info.get("sent", count))
    # Per printk sequence number: total length, bytes received, last receive time, and the
    # generator's index and time from the record's first bytes.
    seqs = {}
    for rx, length, head in recs:
        m = HDR_RE.match(head)
        if not m:
            continue
        seq = int(m.group(2))
        hdr = head[: m.end()]
        body_len = length - m.end()
        fm = FRAG_RE.search(hdr)
        off, total = (int(fm.group(1)), int(fm.group(2))) if fm else (0, body_len)
        s = seqs.setdefault(seq, {"total": total, "got": 0, "rx": 0, "ncb": None, "dgrams": 0})
        s["got"] += body_len
        s["dgrams"] += 1
        s["rx"] = max(s["rx"], rx)
        if off == 0:
            nm = NCB_RE.match(head[m.end():])
            if nm and int(nm.group(1)) == run:
                s["ncb"] = (int(nm.group(2)), int(nm.group(3)))
    delivered = {}
    seq_of = {}
    dgrams = []
    for seq, s in seqs.items():
        if s["ncb"] is None:
            continue
        idx, t_real = s["ncb"]
        seq_of[idx] = seq
        if s["got"] >= s["total"]:
            delivered[idx] = s["rx"] - t_real
            dgrams.append(s["dgrams"])
    lost = count - len(delivered)
    # Records no longer in the ring when the run ended may have been overwritten before the
    # console saw them; records still there were the console's (or the network's) to lose.
    ring_first = int(kv.get("ring_first", "-1"))
    ring = 0
    if lost and ring_first >= 0 and seq_of:
        known = sorted(seq_of)
        for idx in range(count):
            if idx in delivered:
                continue
            # The nearest record of the run that arrived gives the sequence number, assuming
            # the run's records are consecutive in the log (the generator logs nothing else).
            j = bisect.bisect_left(known, idx)
            base = known[j - 1] if j > 0 else known[0]
            if seq_of[base] + (idx - base) < ring_first:
                ring += 1
    b, a = counters(line, "before"), counters(line, "after")
    d = {k: a.get(k, 0) - b.get(k, 0) for k in a}
    per = median(dgrams) or 1
    net_dgrams = d.get("src_tx_dropped", 0) + d.get("udp_RcvbufErrors", 0) + d.get("dst_rx_drop", 0)
    net = min(lost - ring, math.ceil(net_dgrams / per)) if lost > ring else 0
    console = lost - ring - net
    lat = sorted(delivered.values())
    rx_last = max((s["rx"] for s in seqs.values() if s["ncb"]), default=0)
    first_real = min((s["ncb"][1] for s in seqs.values() if s["ncb"]), default=0)
    span = max(info.get("elapsed_ns", 0), rx_last - first_real) / 1e9
    busy = d.get("cpu_busy", 0) / USER_HZ
    return {
        "phase": kv["phase"], "impl": kv["impl"], "rep": int(kv["rep"]), "size": int(kv["size"]),
        "rate": int(kv["rate"]), "count": count, "mode": kv.get("mode", "?"),
        "delivered": len(delivered), "lost": lost, "loss": lost / count if count else 0,
        "loss_ring": ring, "loss_net": net, "loss_console": console,
        "nc_tx_errors": d.get("nc_tx_errors", 0),
        "tx_dropped": d.get("src_tx_dropped", 0), "rcvbuf_errors": d.get("udp_RcvbufErrors", 0),
        "dst_rx_drop": d.get("dst_rx_drop", 0),
        "rate_delivered": len(delivered) / span if span > 0 else 0,
        "gen_elapsed_s": info.get("elapsed_ns", 0) / 1e9,
        "lat_us": [x / 1000 for x in lat],
        "cost_ns": costs,
        "cpu_us_per_msg": busy * 1e6 / len(delivered) if delivered else None,
    }


TRACE_EV_RE = re.compile(r"\[(\d+)\].*?\s(kmalloc|kfree|kmem_cache_alloc|kmem_cache_free|"
                         r"tracing_mark_write|<stack trace>):? ?(.*)$")
TRACE_SITE_RE = re.compile(r"call_site=(.*?) ptr=(\S+)(?: bytes_req=\d+ bytes_alloc=(\d+))?")
# The Rust kernel crate's allocator (the call site of every allocation of a Rust module): the
# guest records a stack trace for these, and the module's frame names the object.
RUST_ALLOC_RE = re.compile(r"^_R\w*6kernel5alloc")
MEMTRACE_PHASES = ("load", "targets")


def strip_offset(site):
    """"sym+0x1/0x2 [mod]" -> "sym [mod]"."""
    return re.sub(r"\+0x[0-9a-f]+/0x[0-9a-f]+", "", site.strip())


def demangle(names):
    """Rust (v0) symbols demangled by c++filt (binutils), crate hashes dropped."""
    names = sorted({n for n in names if "_R" in n})
    out = {}
    try:
        res = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True,
                             check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        res = []
    for n, d in zip(names, res):
        out[n] = re.sub(r"\[[0-9a-f]{16}\]", "", d)
    return out


def alloc_frame(frames, site):
    """The frame that names a Rust allocation: after the allocator's own frames, the first one
    that mentions the module's crate (a generic instantiation names the allocated type)."""
    sym = site.split()[0]
    rest = frames[frames.index(sym) + 1:] if sym in frames else frames
    rest = [f for f in rest if not RUST_ALLOC_RE.match(f)]
    for f in rest[:6]:
        if "10netconsole" in f:
            return f
    return rest[0] if rest else site


def read_memtrace(path):
    """The slab objects allocated in each phase of a memtrace run (between the MARK lines
    guest.sh writes) and still live at its end: {phase: {call site: [objects, bytes]}}. The
    call site of an allocation by the kernel crate's allocator is the module's frame from
    the stack trace that follows it ("<frame> via kernel::alloc")."""
    live = {}
    phase = None
    last = {}  # cpu -> the last allocation by the Rust allocator on it
    stack = None  # (object, frames) while reading a stack trace
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", errors="replace") as f:
        for line in f:
            if stack is not None:
                if line.startswith(" => "):
                    stack[1].append(line[4:].strip())
                    continue
                ptr, frames = stack
                stack = None
                if ptr in live:
                    ph, site, size = live[ptr]
                    live[ptr] = (ph, alloc_frame(frames, site) + " via kernel::alloc", size)
            m = TRACE_EV_RE.search(line)
            if not m:
                continue
            cpu, ev, rest = m.groups()
            if ev == "tracing_mark_write":
                if rest.startswith("MARK "):
                    phase = rest.split()[1]
                    if phase == "end":
                        break
                continue
            if ev == "<stack trace>":
                if cpu in last:
                    stack = (last.pop(cpu), [])
                continue
            a = TRACE_SITE_RE.match(rest)
            if not a or phase is None:
                continue
            if ev in ("kmalloc", "kmem_cache_alloc"):
                site = strip_offset(a.group(1))
                live[a.group(2)] = (phase, site, int(a.group(3) or 0))
                if RUST_ALLOC_RE.match(site):
                    last[cpu] = a.group(2)
                else:
                    last.pop(cpu, None)
            else:
                live.pop(a.group(2), None)
    names = demangle(w for _, site, _ in live.values() for w in site.split())
    out = {p: {} for p in MEMTRACE_PHASES}
    for ph, site, size in live.values():
        site = " ".join(names.get(w, w) for w in site.split(" "))
        e = out.setdefault(ph, {}).setdefault(site, [0, 0])
        e[0] += 1
        e[1] += size
    return out


def memtrace_profiles(man, dirs):
    """Per memtrace run: impl, rep, n and its profile, or None when events were lost."""
    out = []
    for kind, line in man:
        if kind != "memtrace":
            continue
        kv = parse_kv(line.split()[1:])
        path = find(dirs, kv["file"])
        prof = None
        if int(kv.get("lost", "1")) != 0:
            print(f"warning: memtrace {kv['impl']} rep {kv['rep']}: the trace buffer lost "
                  f"{kv.get('lost')} events: no object figures from it", file=sys.stderr)
        elif not path:
            print(f"warning: memtrace {kv['impl']} rep {kv['rep']}: {kv['file']} missing",
                  file=sys.stderr)
        else:
            prof = read_memtrace(path)
        out.append({"impl": kv["impl"], "rep": int(kv["rep"]), "n": int(kv["n"]), "profile": prof})
    return out


def write_memprofile(traces, outdir, top=25):
    """OUTDIR/memprofile.txt: the call sites of the objects still live, per implementation
    and phase (mean over repetitions); returns the same as a dict for results.json."""
    res = {}
    lines = []
    # One number of targets, so that the runs' target phases add up: 8 if traced, else the
    # most traced.
    ns = {t["n"] for t in traces if t["profile"] is not None}
    pn = 8 if 8 in ns else max(ns, default=0)
    for impl in ("c", "rust"):
        runs = [t for t in traces
                if t["impl"] == impl and t["profile"] is not None and t["n"] == pn]
        if not runs:
            continue
        res[impl] = {}
        for ph in MEMTRACE_PHASES:
            tot = collections.defaultdict(lambda: [0, 0])
            for t in runs:
                for site, (n, b) in t["profile"].get(ph, {}).items():
                    tot[site][0] += n
                    tot[site][1] += b
            rows = sorted(((b / len(runs), n / len(runs), site) for site, (n, b) in tot.items()),
                          reverse=True)
            res[impl][ph] = [{"site": s, "objects": n, "bytes": b} for b, n, s in rows]
            what = "module load" if ph == "load" else f"{runs[0]['n']} enabled targets"
            lines.append(f"{impl}: {what}: {sum(r[0] for r in rows):.0f} bytes in "
                         f"{sum(r[1] for r in rows):.0f} live objects ({len(runs)} run(s), mean)")
            for b, n, site in rows[:top]:
                lines.append(f"  {b:9.0f} B {n:6.1f}  {site}")
    with open(os.path.join(outdir, "memprofile.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return res


def knee_of(runs, impl, size):
    """Highest rate with loss < 0.1% (median over repetitions): min(offered, delivered)."""
    by_rate = {}
    for r in runs:
        if r["phase"] == "sweep" and r["impl"] == impl and r["size"] == size:
            by_rate.setdefault(r["rate"], []).append(r)
    best = 0
    for rate, rs in by_rate.items():
        if median([r["loss"] for r in rs]) < LOSS_KNEE:
            got = median([r["rate_delivered"] for r in rs])
            best = max(best, got if rate == 0 else min(rate, got))
    return best


def all_runs(dirs):
    return [analyze_run(line, dirs) for kind, line in read_manifest(dirs) if kind == "gen"]


def cmd_knee(args):
    *dirs, size = args
    k = knee_of(all_runs(dirs), "c", int(size))
    print(max(100, int(k)))


def ko_size(path):
    """text and data+bss of a module file (binutils' size)."""
    try:
        out = subprocess.run(["size", path], capture_output=True, text=True, check=True).stdout
        w = out.splitlines()[1].split()
        return int(w[0]), int(w[1]) + int(w[2])
    except (OSError, subprocess.CalledProcessError, IndexError, ValueError):
        return None, None


def spread(values):
    values = [v for v in values if v is not None]
    m = median(values)
    if not values or not m:
        return None
    return (max(values) - min(values)) / abs(m) * 100


def cmd_report(args):
    src, outdir = args[0], args[1]
    kos = args[2:4] if len(args) >= 4 else None
    dirs = [src]
    os.makedirs(outdir, exist_ok=True)
    man = read_manifest(dirs)
    boot = parse_kv(next((l for k, l in man if k == "boot"), "").split())
    runs = all_runs(dirs)
    mods = [parse_kv(l.split()[1:]) for k, l in man if k == "module"]
    mem = [parse_kv(l.split()[1:]) for k, l in man if k == "mem"]
    link = [(parse_kv(l.split()[1:]), l) for k, l in man if k == "link"]
    knee_line = parse_kv(next((l for k, l in man if k == "knee"), "").split())
    modes = {}
    for impl in ("c", "rust"):
        ms = {r["mode"] for r in runs if r["impl"] == impl}
        ms |= {m["mode"] for m in mods + mem if m.get("impl") == impl}
        modes[impl] = "/".join(sorted(ms)) or "?"
    params = {m.get("impl"): m.get("params", "") for m in mods}
    metrics = []

    def add(name, unit, better, per_impl, note=""):
        """per_impl: impl -> list of per-repetition values."""
        c, r = median(per_impl.get("c", [])), median(per_impl.get("rust", []))
        metrics.append({
            "name": name, "unit": unit, "better": better, "c": c, "rust": r,
            "ratio": (r / c) if (c and r is not None) else None,
            "spread_c_pct": spread(per_impl.get("c", [])),
            "spread_rust_pct": spread(per_impl.get("rust", [])),
            "reps": min(len(per_impl.get("c", [])), len(per_impl.get("rust", []))),
            "note": note,
        })

    def runs_where(**kw):
        return [r for r in runs if all(r[k] == v for k, v in kw.items())]

    def per_impl(fn, **kw):
        out = {}
        for impl in ("c", "rust"):
            for r in runs_where(impl=impl, **kw):
                out.setdefault(impl, []).append(fn(r))
        return out

    sizes = sorted({r["size"] for r in runs if r["phase"] == "sweep"})
    # 1. Throughput and loss.
    for size in sizes:
        add(f"saturation_rate_{size}B", "records/s", "higher",
            per_impl(lambda r: r["rate_delivered"], phase="sweep", size=size, rate=0))
        for what, key in (("loss", "loss"),):
            add(f"saturation_{what}_{size}B", "%", "lower",
                per_impl(lambda r, k=key: r[k] * 100, phase="sweep", size=size, rate=0))
        for cause in ("loss_ring", "loss_console", "loss_net"):
            add(f"saturation_{cause}_{size}B", "records", "lower",
                per_impl(lambda r, k=cause: r[k], phase="sweep", size=size, rate=0),
                "lost records by cause at saturation")
        for ctr in ("nc_tx_errors", "tx_dropped", "rcvbuf_errors"):
            add(f"saturation_{ctr}_{size}B", "datagrams", "lower",
                per_impl(lambda r, k=ctr: r[k], phase="sweep", size=size, rate=0))
        knees = {}
        for impl in ("c", "rust"):
            reps = sorted({r["rep"] for r in runs_where(impl=impl, phase="sweep", size=size)})
            knees[impl] = [knee_of(runs_where(impl=impl, phase="sweep", size=size, rep=rep), impl, size)
                           for rep in reps]
        add(f"knee_{size}B", "records/s", "higher", knees, "highest rate with loss < 0.1%")
    # 2-4. At idle, 50% and 90% of the C knee.
    load_rates = sorted({r["rate"] for r in runs if r["phase"] == "load"})
    labels = dict(zip(load_rates, ("idle", "50pct_knee", "90pct_knee")))
    for rate, label in labels.items():
        for p, pn in ((0.5, "p50"), (0.99, "p99"), (0.999, "p99.9")):
            add(f"latency_{pn}_{label}", "us", "lower",
                per_impl(lambda r, p=p: pct(r["lat_us"], p), phase="load", rate=rate),
                f"printk to receive, {rate} records/s")
    if len(load_rates) >= 2:
        rate = load_rates[1]
        for p, pn in ((0.5, "p50"), (0.99, "p99"), (0.999, "p99.9")):
            add(f"caller_cost_{pn}_50pct_knee", "ns", "lower",
                per_impl(lambda r, p=p: pct(r["cost_ns"], p), phase="load", rate=rate),
                f"one printk() call, {rate} records/s")
        add("cpu_per_message_50pct_knee", "us", "lower",
            per_impl(lambda r: r["cpu_us_per_msg"], phase="load", rate=rate),
            f"whole-guest CPU time per delivered record, {rate} records/s")
    for size in sizes:
        add(f"caller_total_saturation_{size}B", "us/1000 records", "lower",
            per_impl(lambda r: sum(r["cost_ns"]) / max(1, len(r["cost_ns"])), phase="sweep", size=size, rate=0),
            "time the printk() callers spent for 1000 records, as fast as possible")
    # 5. Memory. Slab (page-granular) with 1, 8 and 64 targets: per target from the module
    # loaded with no target; the module's own load; the old whole delta too.
    for n in sorted({int(m["n"]) for m in mem}):
        vals, whole = {}, {}
        for m in mem:
            if int(m["n"]) != n:
                continue
            if "slab_loaded_kb" in m:
                vals.setdefault(m["impl"], []).append(
                    (int(m["slab_after_kb"]) - int(m["slab_loaded_kb"])) / n)
            whole.setdefault(m["impl"], []).append(
                (int(m["slab_after_kb"]) - int(m["slab_before_kb"])) / n)
        if vals:
            add(f"slab_per_target_{n}", "KiB", "lower", vals,
                "Slab delta per enabled target from the loaded module (netpoll's skb pool included)")
        add(f"slab_per_target_with_load_{n}", "KiB", "lower", whole,
            "Slab delta from before the load, divided by the targets: includes the module's load")
    vals = {}
    for m in mem:
        if "slab_loaded_kb" in m:
            vals.setdefault(m["impl"], []).append(int(m["slab_loaded_kb"]) - int(m["slab_before_kb"]))
    if vals:
        add("slab_module_load", "KiB", "lower", vals,
            "Slab delta of loading the module, no target (page-granular: noisy)")
    # Exact: the slab objects allocated and still live (kmem tracepoints).
    traces = memtrace_profiles(man, dirs)
    mem_profile = write_memprofile(traces, outdir) if traces else {}
    load = {}
    for n in sorted({t["n"] for t in traces}):
        per_t, with_load = {}, {}
        for t in traces:
            if t["n"] != n:
                continue
            p = t["profile"]
            tb = sum(b for _, b in p["targets"].values()) if p else None
            lb = sum(b for _, b in p["load"].values()) if p else None
            per_t.setdefault(t["impl"], []).append(tb / n if p else None)
            with_load.setdefault(t["impl"], []).append((tb + lb) / n if p else None)
            load.setdefault(t["impl"], []).append(lb)
        add(f"objects_per_target_{n}", "bytes", "lower", per_t,
            f"slab objects allocated while enabling {n} targets and still live, per target")
        add(f"objects_per_target_with_load_{n}", "bytes", "lower", with_load,
            f"the same with the module's load included, divided by {n}")
    if load:
        add("module_objects_at_load", "bytes", "lower", load,
            "slab objects allocated by the module's load (no target) and still live")
    vals = {}
    for m in mem:
        vals.setdefault(m["impl"], []).append(int(m["coresize"]))
    if vals:
        add("module_coresize", "bytes", "lower", vals, "/sys/module/netconsole/coresize")
    if kos:
        (ct, cd), (rt, rd) = ko_size(kos[0]), ko_size(kos[1])
        if ct is not None and rt is not None:
            add("module_text", "bytes", "lower", {"c": [ct], "rust": [rt]}, "size(1) of the .ko")
            add("module_data_bss", "bytes", "lower", {"c": [cd], "rust": [rd]}, "size(1) of the .ko")
    # 6. The link's own limit.
    for size in sorted({int(k["size"]) for k, _ in link}):
        vals = {}
        for k, line in link:
            if int(k["size"]) != size:
                continue
            n = len(read_recv(find(dirs, k["file"] + ".recv")))
            el = int(k.get("elapsed_ns", 0)) / 1e9
            if el > 0:
                vals.setdefault(k["impl"], []).append(n / el)
        add(f"link_ceiling_{size}B", "datagrams/s", "higher", vals,
            "raw UDP from a userspace sender over the same netdevsim pair")
        sat = {m["name"]: m for m in metrics}.get(f"saturation_rate_{size}B")
        lc = metrics[-1]
        if sat and lc["c"] and lc["rust"] and sat["c"] is not None and sat["rust"] is not None:
            add(f"saturation_vs_link_{size}B", "fraction", "higher",
                {"c": [sat["c"] / lc["c"]], "rust": [sat["rust"] / lc["rust"]]},
                "delivered records/s at saturation over the link ceiling")

    # The context of every figure, next to it.
    for m in metrics:
        m.update({"kernel": boot.get("kernel"), "cpus": int(boot.get("cpus", 0) or 0),
                  "mode_c": modes["c"], "mode_rust": modes["rust"]})
    result = {
        "kernel": boot.get("kernel"), "cpus": int(boot.get("cpus", 0) or 0),
        "console_mode": modes, "module_params": params, "emulation": "QEMU TCG",
        "knee_c_rate_for_load_phase": int(knee_line["rate"]) if knee_line.get("rate") else None,
        "reps": max([r["rep"] for r in runs] + [int(m["rep"]) for m in mem], default=0),
        "metrics": metrics,
    }
    result["mem_profile"] = mem_profile
    with open(os.path.join(outdir, "results.json"), "w") as f:
        json.dump(result, f, indent=1)
    write_plot_data(runs, outdir, labels)
    print_table(result)
    print_memprofile(mem_profile)


def write_plot_data(runs, outdir, labels):
    """sweep-<impl>-<size>.dat: offered (0 = saturation, plotted at the right), delivered, loss %;
    latency-<impl>-<label>.dat: latency (us), cumulative fraction."""
    for impl in ("c", "rust"):
        for size in sorted({r["size"] for r in runs if r["phase"] == "sweep"}):
            rows = {}
            for r in runs:
                if r["phase"] == "sweep" and r["impl"] == impl and r["size"] == size:
                    rows.setdefault(r["rate"], []).append(r)
            with open(os.path.join(outdir, f"sweep-{impl}-{size}.dat"), "w") as f:
                top = max([r for r in rows if r] or [1000])
                for rate in sorted(rows, key=lambda x: x or 10 * top):
                    rs = rows[rate]
                    x = rate or 3 * top
                    f.write(f"{x} {median([r['rate_delivered'] for r in rs]):.1f} "
                            f"{median([r['loss'] * 100 for r in rs]):.4f}\n")
        for rate, label in labels.items():
            lat = sorted(x for r in runs if r["phase"] == "load" and r["impl"] == impl
                         and r["rate"] == rate for x in r["lat_us"])
            with open(os.path.join(outdir, f"latency-{impl}-{label}.dat"), "w") as f:
                n = len(lat)
                step = max(1, n // 2000)
                for i in range(0, n, step):
                    f.write(f"{lat[i]:.1f} {(i + 1) / n:.5f}\n")
                if n:
                    f.write(f"{lat[-1]:.1f} 1.0\n")


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100 or v == 0:
        return f"{v:.0f}"
    return f"{v:.3g}"


def print_table(result):
    print(f"netconsole benchmark: kernel {result['kernel']}, {result['cpus']} CPUs (QEMU TCG: "
          f"emulated-CPU figures), console mode C={result['console_mode']['c']} "
          f"Rust={result['console_mode']['rust']}, {result['reps']} repetition(s), medians")
    print(f"{'metric':36} {'unit':16} {'C':>10} {'Rust':>10} {'ratio':>7} {'spread C/Rust %':>16}")
    for m in result["metrics"]:
        sp = f"{fmt(m['spread_c_pct'])}/{fmt(m['spread_rust_pct'])}"
        ratio = f"{m['ratio']:.2f}" if m["ratio"] is not None else "-"
        print(f"{m['name']:36} {m['unit']:16} {fmt(m['c']):>10} {fmt(m['rust']):>10} {ratio:>7} {sp:>16}")


def print_memprofile(prof, top=6):
    """The first call sites of the live objects (build/bench/memprofile.txt has more)."""
    for impl, phases in prof.items():
        for ph, rows in phases.items():
            print(f"live slab objects, {impl}, {'module load' if ph == 'load' else 'targets'}: "
                  f"top call sites (bytes, objects)")
            for r in rows[:top]:
                site = r["site"] if len(r["site"]) <= 90 else r["site"][:87] + "..."
                print(f"  {r['bytes']:9.0f} {r['objects']:6.1f}  {site}")


# Metrics that may legitimately be zero (losses and drop counters, and the knee when every
# offered rate lost 0.1% or more: a busy host can make it so); all others must be > 0.
MAY_BE_ZERO = re.compile(r"(loss|dropped|errors|^knee_)")
# Differences of page-granular Slab readings across a module load: noise can make them zero
# or negative (the traced object figures are the exact ones).
MAY_BE_NEGATIVE = re.compile(r"^(slab_module_load$|slab_per_target_with_load_)")
REQUIRED = ("saturation_rate_", "knee_", "latency_p50_idle", "latency_p99_50pct_knee",
            "latency_p99_90pct_knee", "caller_cost_p50_50pct_knee", "cpu_per_message_50pct_knee",
            "slab_per_target_", "slab_module_load", "objects_per_target_", "module_objects_at_load",
            "module_coresize", "link_ceiling_")


def cmd_check(args):
    with open(args[0]) as f:
        res = json.load(f)
    bad = []
    if not res.get("kernel"):
        bad.append("no kernel version")
    if not res.get("cpus"):
        bad.append("no CPU count")
    for impl in ("c", "rust"):
        if res.get("console_mode", {}).get(impl) not in ("legacy", "nbcon"):
            bad.append(f"console mode of {impl} unknown: {res.get('console_mode', {}).get(impl)}")
    names = [m["name"] for m in res["metrics"]]
    for req in REQUIRED:
        if not any(n.startswith(req) for n in names):
            bad.append(f"metric {req}* missing")
    for impl in ("c", "rust"):
        for ph in ("load", "targets"):
            if not res.get("mem_profile", {}).get(impl, {}).get(ph):
                bad.append(f"no allocation profile of {impl}'s {ph} phase")
    for m in res["metrics"]:
        for impl in ("c", "rust"):
            v = m[impl]
            if v is None or not math.isfinite(v):
                bad.append(f"{m['name']}: no {impl} figure")
            elif MAY_BE_NEGATIVE.search(m["name"]):
                pass
            elif v < 0 and not MAY_BE_ZERO.search(m["name"]):
                bad.append(f"{m['name']}: {impl} figure {v} is negative")
            elif v <= 0 and not MAY_BE_ZERO.search(m["name"]):
                bad.append(f"{m['name']}: {impl} figure is zero")
            elif MAY_BE_ZERO.search(m["name"]) and v < 0:
                bad.append(f"{m['name']}: {impl} figure {v} is negative")
        if m["name"].startswith("saturation_loss_") and m["c"] is not None and m["c"] > 100:
            bad.append(f"{m['name']}: more than 100%")
    for b in bad:
        print(f"FAIL: {b}")
    print(f"{len(res['metrics'])} metrics, {len(bad)} problem(s)")
    return 1 if bad else 0


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "knee":
        cmd_knee(args)
    elif cmd == "report":
        cmd_report(args)
    elif cmd == "check":
        return cmd_check(args)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
