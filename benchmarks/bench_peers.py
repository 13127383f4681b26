"""postlint side by side with its peers: one short draft cold, and throughput on a queue.

    python benchmarks/bench_peers.py                    # a few minutes: 3,000 posts
    python benchmarks/bench_peers.py --posts 100000     # the sizes of issue 20's table
    python benchmarks/bench_peers.py --cold-only        # only the one-draft table

The peers come from their registries into benchmarks/.peers/ (git-ignored), installed on
first use unless --no-install is given:

    proselint     python -m venv --system-site-packages benchmarks/.peers/proselint
                  benchmarks/.peers/proselint/bin/pip install proselint
    write-good,   npm install --prefix benchmarks/.peers/node write-good alex
    alex          (and cspell with --cspell)

The proselint venv sees the same system site-packages as the interpreter postlint runs on,
so both Python tools pay the same interpreter start; the "interpreter start" row shows it.

Method. Every command runs once untimed first (caches built, files in the page cache:
what a user's second run sees), then the commands take turns, round after round, so a
machine that slows down mid-run slows them all alike; medians are printed. Wall time is
the whole process, start to exit. Peak memory is the sum of the resident sets of the
command's process tree, sampled every 20 ms (workers included). postlint checks with
`--offline` (no link is fetched: peers fetch nothing either) and its JSON report is read
back to make sure it checked every post. Peers read the queue's texts as files of 1,000
posts each (`--per-file`), as in the issue; postlint reads the queue itself (JSONL).

Ratios: "vs postlint" is a command's wall time over `postlint check`'s (cold table).
Throughput is compared per core: posts per second divided by the processes the tool keeps
busy (peers and `--jobs 1`: 1; `--jobs 2`: 2), and posts per CPU second (user + system of
every process), which the load of a shared machine disturbs least.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

DRAFT = corpus.DRAFT  # the one short draft every cold-start figure is taken on
NODE_PEERS = ("write-good", "alex")


@dataclass
class Run:
    """One finished process: wall seconds, CPU seconds (user + system, all processes it
    waited for) and the peak of its process tree's summed resident memory (MB)."""

    wall: float
    cpu: float
    peak_mb: float
    status: int


@dataclass
class Command:
    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    check: object = None  # callable(Run, stdout path) -> None: raise SystemExit if the run failed
    before: object = None  # callable() -> None, untimed, before every run (empty a cache folder)
    tree: bool = False  # sample the process tree's memory (workers); else the process's peak
    most: int = 0  # at most this many timed runs (0: every round); no untimed run either
    runs: list[Run] = field(default_factory=list)

    def median(self, what: str) -> float:
        return statistics.median(getattr(r, what) for r in self.runs)


# --- running and measuring ---------------------------------------------------------------


def _tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants (Linux /proc), in kB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, IndexError, ValueError):
            continue
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += rss.get(pid, 0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def run(command: Command, out: Path) -> Run:
    """Start the command with stdout to `out` and stderr to /dev/null; wait; measure."""
    if command.before:
        command.before()
    env = command.env if command.env is not None else os.environ.copy()
    with out.open("wb") as stdout:
        started = time.perf_counter()
        child = subprocess.Popen(command.argv, stdout=stdout, stderr=subprocess.DEVNULL,
                                 stdin=subprocess.DEVNULL, env=env)
        peak = [0]
        done = threading.Event()

        def sample() -> None:  # scanning /proc costs CPU: only for the queue runs
            while not done.wait(0.02):
                peak[0] = max(peak[0], _tree_rss_kb(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        if command.tree:
            sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        if command.tree:
            sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = max(peak[0], usage.ru_maxrss) / 1024  # a process faster than one sample
    result = Run(wall, usage.ru_utime + usage.ru_stime, peak_mb, child.returncode)
    if result.status < 0 or result.status in (126, 127):
        raise SystemExit(f"{command.name} did not run (status {result.status}): "
                         f"{' '.join(command.argv)}")
    if command.check:
        command.check(result, out)
    return result


def measure(commands: list[Command], rounds: int, out_dir: Path) -> None:
    """One untimed run each, then `rounds` rounds in turn (see the module doc)."""
    for command in commands:
        if not command.most:
            run(command, out_dir / "warm-up.out")
    for _ in range(rounds):
        for command in commands:
            if not command.most or len(command.runs) < command.most:
                command.runs.append(run(command, out_dir / "run.out"))


def postlint_report(posts: int):
    """A check that postlint wrote a JSON report about `posts` posts (exit 1 also means
    "crashed": a broken install must not be timed as a very fast linter)."""
    def check(result: Run, out: Path) -> None:
        if result.status not in (0, 1):
            raise SystemExit(f"postlint exited {result.status}")
        try:
            checked = json.loads(out.read_text(encoding="utf-8"))["summary"]["posts"]
        except (ValueError, KeyError) as error:
            raise SystemExit(f"postlint wrote no JSON report ({error})") from None
        if checked != posts:
            raise SystemExit(f"postlint checked {checked} posts, expected {posts}")
    return check


def exited_normally(result: Run, out: Path) -> None:
    """Peers exit with a count of what they found (write-good: the number of suggestions),
    so any exit status is a finished run; a signal or a command that cannot start is not
    (see `run`)."""


# --- the peers ---------------------------------------------------------------------------


def install_peers(peers: Path, python: str, cspell: bool, allowed: bool) -> dict[str, list[str]]:
    """argv prefix of every peer, installed from PyPI and npm into `peers` if missing;
    proselint's venv is made from `python`, the interpreter postlint runs on."""
    found: dict[str, list[str]] = {}
    proselint = peers / "proselint" / "bin" / "proselint"
    if not proselint.exists() and allowed:
        print("installing proselint from PyPI into", proselint.parent.parent, file=sys.stderr)
        subprocess.run([python, "-m", "venv", "--system-site-packages",
                        str(peers / "proselint")], check=True)
        subprocess.run([str(peers / "proselint" / "bin" / "pip"), "install", "-q", "proselint"],
                       check=True)
    if proselint.exists():
        found["proselint"] = [str(proselint), "check"]
    wanted = [*NODE_PEERS, *(["cspell"] if cspell else [])]
    node_bin = peers / "node" / "node_modules" / ".bin"
    missing = [p for p in wanted if not (node_bin / p).exists()]
    if missing and allowed and shutil.which("npm"):
        print("installing", ", ".join(missing), "from npm into", peers / "node", file=sys.stderr)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(peers / "node"), *missing],
                       check=True, stdout=subprocess.DEVNULL)
    for name in wanted:
        if (node_bin / name).exists():
            found[name] = [str(node_bin / name)] + (["--no-progress", "--no-summary"]
                                                    if name == "cspell" else [])
    absent = [p for p in ("proselint", *wanted) if p not in found]
    if absent:
        print(f"not installed (left out): {', '.join(absent)}; install as the module doc says, "
              "or run without --no-install", file=sys.stderr)
    return found


def version(name: str, argv: list[str]) -> str:
    """A tool's version line (proselint has a `version` command, the others `--version`)."""
    argv = [argv[0], "version" if name == "proselint" else "--version"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (done.stdout.strip() or done.stderr.strip()).splitlines()[0][:40] if (
        done.stdout.strip() or done.stderr.strip()) else "?"


# --- postlint ----------------------------------------------------------------------------


def postlint_command() -> str:
    found = Path(sys.executable).with_name("postlint")
    return str(found) if found.exists() else (shutil.which("postlint") or "postlint")


def interpreter_of(script: str) -> str:
    """The Python a console script runs on (its #! line), for the interpreter-start row."""
    try:
        with open(script, "rb") as handle:
            first = handle.readline().decode().strip()
    except OSError:
        return sys.executable
    return first[2:].split()[0] if first.startswith("#!") else sys.executable


def compile_postlint(python: str) -> None:
    """Byte-compile the package as `pip install` does, so an edited checkout is not timed
    compiling its own sources (PYTHONDONTWRITEBYTECODE would make that every run)."""
    code = "import postlint, os; print(os.path.dirname(postlint.__file__))"
    where = subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()
    if where:
        subprocess.run([python, "-m", "compileall", "-q", where], check=False,
                       stdout=subprocess.DEVNULL)


# --- the two tables ----------------------------------------------------------------------


def cold_table(postlint: str, peers: dict[str, list[str]], rounds: int,
               work: Path) -> list[Command]:
    draft = work / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    python = interpreter_of(postlint)
    empty = work / "empty-cache"

    def empty_cache() -> None:
        shutil.rmtree(empty, ignore_errors=True)

    check = [postlint, "check", "--offline", "--quiet", "--format", "json", str(draft)]
    commands = [
        Command("interpreter start (`python -c pass`)", [python, "-c", "pass"]),
        Command("`postlint --version`", [postlint, "--version"]),
        Command("`postlint rules`", [postlint, "rules"]),
    ]
    commands += [Command(name, [*argv, str(draft)], check=exited_normally)
                 for name, argv in peers.items() if name in ("proselint", "write-good")]
    commands.append(Command("`postlint check`", check, check=postlint_report(1)))
    commands.append(Command("`postlint check`, first run (empty cache folder)", check,
                            env={**os.environ, "POSTLINT_CACHE_DIR": str(empty)},
                            check=postlint_report(1), before=empty_cache, most=3))
    commands += [Command(name, [*argv, str(draft)], check=exited_normally)
                 for name, argv in peers.items() if name not in ("proselint", "write-good")]
    measure(commands, rounds, work)
    return commands


def queue_table(postlint: str, peers: dict[str, list[str]], posts: int, per_file: int,
                rounds: int, jobs: list[int], work: Path) -> list[tuple[Command, int]]:
    queue = HERE / "out" / f"varied-{posts}.jsonl"
    if not queue.exists():
        corpus.write(queue, posts, "varied")
    texts = [json.loads(line)["text"] for line in queue.read_text(encoding="utf-8").splitlines()]
    folder = work / "texts"
    folder.mkdir(exist_ok=True)
    files = []
    for start in range(0, len(texts), per_file):
        path = folder / f"posts-{start // per_file:05}.txt"
        path.write_text("\n\n".join(texts[start:start + per_file]) + "\n", encoding="utf-8")
        files.append(str(path))
    label = f"({len(files)} file{'s' if len(files) != 1 else ''})"
    commands: list[tuple[Command, int]] = []
    for name, argv in peers.items():
        if name in ("proselint", "write-good", "cspell"):
            commands.append((Command(f"{name} {label}", [*argv, *files], check=exited_normally,
                                     tree=True), 1))
    for n in jobs:
        name = "postlint `--jobs 1`" if n == 1 else f"postlint, {n} jobs"
        argv = [postlint, "check", "--offline", "--quiet", "--format", "json", "--jobs", str(n),
                str(queue)]
        commands.append((Command(name, argv, check=postlint_report(posts), tree=True), n))
    measure([c for c, _ in commands], rounds, work)
    return commands


def machine() -> str:
    """Cores, CPU model and load: the absolute times only mean something with these."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    shared = " (shared: other work was running)" if load > 0.5 * (cores or 1) else ""
    return f"{cores} cores, {model}, load average {load:.1f}{shared}"


def print_cold(commands: list[Command]) -> None:
    """Wall time as the issue's table has it, and CPU time (user + system), which the load
    of a shared machine disturbs least."""
    check = next(c for c in commands if c.name == "`postlint check`")
    wall0, cpu0 = check.median("wall"), check.median("cpu")
    print("| one short draft, cold | wall (median) | vs postlint | CPU (median) | vs postlint "
          "| peak memory |")
    print("|---|---|---|---|---|---|")
    for c in commands:
        wall, cpu = c.median("wall"), c.median("cpu")
        peak = max(r.peak_mb for r in c.runs)
        print(f"| {c.name} | {wall:.3f} s | {wall / wall0:.2f} | {cpu:.3f} s | {cpu / cpu0:.2f} "
              f"| {peak:.0f} MB |")


def print_queue(commands: list[tuple[Command, int]], posts: int) -> None:
    per_core = {c.name: posts / c.median("wall") / n for c, n in commands}
    per_cpu = {c.name: posts / c.median("cpu") for c, _ in commands}
    peers = [c.name for c, _ in commands if not c.name.startswith("postlint")]
    best_core = max((per_core[p] for p in peers), default=None)
    best_cpu = max((per_cpu[p] for p in peers), default=None)
    print(f"| {posts:,} varied posts | posts/s | per core | vs fastest peer per core "
          f"| posts per CPU s | vs fastest peer | peak memory |")
    print("|---|---|---|---|---|---|---|")
    for c, n in sorted(commands, key=lambda cn: -posts / cn[0].median("wall")):
        rate = posts / c.median("wall")
        vs_core = f"{per_core[c.name] / best_core:.2f}" if best_core else "-"
        vs_cpu = f"{per_cpu[c.name] / best_cpu:.2f}" if best_cpu else "-"
        print(f"| {c.name} | {rate:,.0f} | {per_core[c.name]:,.0f} | {vs_core} "
              f"| {per_cpu[c.name]:,.0f} | {vs_cpu} | {max(r.peak_mb for r in c.runs):.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=3000, help="queue size (default 3000)")
    parser.add_argument("--per-file", type=int, default=1000,
                        help="posts per file for the peers (default 1000, as in the issue)")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds, one-draft table")
    parser.add_argument("--queue-rounds", type=int, default=3, help="timed rounds, queue table")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2],
                        help="postlint --jobs values for the queue table (default 1 2)")
    parser.add_argument("--cold-only", action="store_true", help="only the one-draft table")
    parser.add_argument("--postlint", default=postlint_command(), help="the postlint to time")
    parser.add_argument("--peers", type=Path, default=HERE / ".peers",
                        help="install folder of the peers (default benchmarks/.peers)")
    parser.add_argument("--no-install", action="store_true",
                        help="never install a peer; leave out the missing ones")
    parser.add_argument("--cspell", action="store_true", help="add cspell (npm) to the queue table")
    args = parser.parse_args()
    if args.posts < 1 or args.per_file < 1 or args.rounds < 1 or args.queue_rounds < 1:
        parser.error("sizes and rounds must be at least 1")
    if not sys.platform.startswith("linux"):
        parser.error("memory is read from /proc: run this on Linux")

    peers = install_peers(args.peers, interpreter_of(args.postlint), args.cspell,
                          not args.no_install)
    compile_postlint(interpreter_of(args.postlint))
    print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("Versions: " + ", ".join(f"{name} {version(name, argv).split()[-1]}" for name, argv in
                                   [("postlint", [args.postlint]), *peers.items()]))
    with tempfile.TemporaryDirectory(prefix="postlint-bench-") as tmp:
        work = Path(tmp)
        print()
        print_cold(cold_table(args.postlint, peers, args.rounds, work))
        if not args.cold_only:
            print()
            print_queue(queue_table(args.postlint, peers, args.posts, args.per_file,
                                    args.queue_rounds, args.jobs, work), args.posts)
    print(f"\nMachine at the end: {machine()}")


if __name__ == "__main__":
    main()
