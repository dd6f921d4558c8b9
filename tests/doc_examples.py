r"""Run the examples of the documentation: the fenced blocks of README.md and docs/**/*.md.

Every fenced block of a page is one of these (``Block.kind``):

- **commands** (```sh, ```console, ```bash): every line is a command (``\`` continues a line,
  ``#`` starts a comment, ``NAME=value`` before the command sets an environment variable).
  ``skyshield ...`` runs in this process through ``skyshield.cli.main.main(argv)`` and must
  exit 0; any other program (``make``, ``dask``, ``curl``) cannot run here, so its block must
  be marked.
- **transcript** (```text, ```console or a block without a language whose first line starts
  with ``$ ``): ``$ COMMAND`` lines, each followed by the output it shows. The command runs as
  above and its output (stdout and stderr, as a terminal shows them) is compared with the lines
  shown. It must exit 2 if the output shown has an ``error:`` line, else 0.
- **output** (a text block marked ``output``): the output of the page's previous command (or
  Python block), compared.
- **scenario** (```yaml with a top-level ``name:``): written to ``NAME.yaml`` in the working
  folder and checked with ``skyshield scenario validate`` (exit 0).
- **python** (```python): run in a fresh interpreter (a subprocess) in the working folder; it
  must exit 0; its stdout is the "previous output" of an ``output`` block after it.

Markers: an HTML comment on the line before the block (blank lines between are allowed),
``<!-- docs-test: ITEM; ITEM -->``, with these items:

- ``skip: REASON``: not run (listed with its reason by ``test_block_not_run``); the reason
  takes the rest of the comment;
- ``synopsis``: a usage line (``skyshield mc SCENARIO [--runs N] ...``): not run, but every
  option it names must be an option of that command (its argparse parser);
- ``output``: the block is the output of the previous command (see above);
- ``excerpt``: the output shown is a part of the output: lines may come before and after it
  (a line ``...`` inside any shown output stands for any number of lines left out);
- ``shape: REASON``: the shown figures come from a run of another size (a full-size run, or a
  default the harness makes small): numbers are not compared, everything else is;
- ``file: NAME``: a block (any language) written to ``NAME`` in the working folder, for a later
  command to read; it is not checked by itself (it may be a file that fails on purpose);
- ``fragment: BASE``: a YAML part of a scenario: checked as the scenario
  ``name: fragment`` / ``extends: BASE`` followed by the block;
- ``slow: REASON``: run only in the slow test (``-m slow``; ``make check`` leaves it out). A
  slow block runs with the page's other slow blocks in a working folder of its own, so it must
  not need state from a block that is not slow. An ``output`` block after a slow block is slow
  too.

Comparing output: both texts are rendered as a terminal shows them (a carriage return
overwrites the line: progress bars keep their last state), then split into words, so line
breaks and column alignment do not matter but every word and number does. Before that, in both:
durations (``4.4 s``, ``120 ms``, ``2 min``) become ``<time>``, any path ending in
``store.duckdb`` becomes ``<store>``, and the working folder's path is removed. A run id shown
in the output (12 hexadecimal digits) matches any run id there, and is then bound to it: later
commands of the page that name the shown id get the real one.

Small sizes: every ``skyshield`` command is rewritten before it runs (``SMALL``): each option
of the table that the command accepts is set to the smaller of the value in force (given, or
the command's default) and the table's value, so ``--runs 1000`` runs 2 replications and
``assess`` without ``--runs`` (60 by default) runs 2 as well; ``--workers`` becomes 1 (the
figures do not depend on it), unless ``--dask`` is given. Python blocks get the same treatment
for keyword arguments (``runs=20`` -> ``runs=2``, ``workers=2`` -> ``workers=1``). Output shown
for larger sizes is therefore compared by ``shape`` unless the sizes shown are small already.

State: the blocks of a page run in order in one working folder (a temporary folder holding a
copy of the repository's ``scenarios/`` and the shipped record as
``missile_attacks_daily.csv``, the dataset's file name) with one run store (``SKYSHIELD_STORE``,
temporary). So a command may use a file an earlier block wrote (a scenario block, ``file:``,
``raid generate --out``) or a run an earlier command stored: in commands, the words ``RUN``
(the newest run in the store), ``RUN_A`` (the second newest) and ``RUN_B`` (the newest) are
replaced by run ids, and ids shown in an earlier transcript by the ids they were bound to.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: Pages whose examples run: the README and every page of docs/ (the API pages included).
PAGE_GLOBS = ("README.md", "docs/**/*.md")

#: Pages being rewritten on other branches: their blocks run, but a block that fails there is
#: an expected failure naming the block (its marker is to be added when the page lands), not a
#: failure of the suite. Remove a page from here once it is marked.
PENDING: dict[str, str] = {}

#: Options set to at most this value in every ``skyshield`` command (see the module docstring).
SMALL: dict[str, int] = {
    "--runs": 2,  # replications of mc, sweep, sensitivity, assess
    "--sweep-runs": 1,  # assess: replications a point of the sizing sweep
    "--record-runs": 2,  # assess: a night of the record (2: the least that gives totals an interval)
    "--shield-runs": 1,  # truce --shield: replications a night
    "--paths": 300,  # plan caps: threat paths sampled
    "--candidates": 60,  # plan caps: candidate stations
    "--reps": 2,  # benchmarks
}

#: Keyword arguments of Python blocks set to at most this value.
SMALL_KEYWORDS: dict[str, int] = {
    "runs": 2,
    "sweep_runs": 1,
    "record_runs": 2,
    "workers": 1,
    "reps": 2,
}

#: Languages of command blocks.
SHELLS = {"sh", "bash", "shell", "console"}

#: Marker items that take no value, and those that take one.
FLAGS = {"synopsis", "output", "excerpt"}
VALUED = {"skip", "shape", "file", "fragment", "slow"}

MARKER_RE = re.compile(r"<!--\s*docs-test:(.*?)-->", re.S)
FENCE_RE = re.compile(r"^```(\S*)\s*$")
RUN_ID_RE = re.compile(r"(?<![0-9a-zA-Z])[0-9a-f]{12}(?![0-9a-zA-Z])")
NUMBER_RE = re.compile(r"[-\u2212+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")
DURATION_RE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?= ?(?:s|ms|min)\b)")
STORE_RE = re.compile(r"[^\s;,()]*store\.duckdb")
GAP = "..."


class DocExampleError(AssertionError):
    """An example of the documentation did not do what the page shows."""


@dataclass(frozen=True)
class Marker:
    """What the comment before a block says (empty: no marker)."""

    flags: frozenset[str] = frozenset()
    values: tuple[tuple[str, str], ...] = ()

    def get(self, key: str) -> str | None:
        """The value of ``key`` (None if absent)."""
        return dict(self.values).get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.flags or key in dict(self.values)


def parse_marker(text: str) -> Marker:
    """The items of a ``docs-test:`` comment; an unknown item is an error (a typo)."""
    flags: set[str] = set()
    values: list[tuple[str, str]] = []
    rest = " ".join(text.split())
    while rest:
        item, _, tail = rest.partition(";")
        key, colon, value = item.partition(":")
        key = key.strip()
        if key == "skip":  # the reason takes the rest, semicolons included
            values.append((key, rest.partition(":")[2].strip()))
            break
        if key in FLAGS and not colon:
            flags.add(key)
        elif key in VALUED and value.strip():
            values.append((key, value.strip()))
        else:
            raise DocExampleError(
                f"unknown docs-test item {item.strip()!r}: expected one of"
                f" {', '.join(sorted(FLAGS))} or {', '.join(sorted(VALUED))} with ': VALUE'"
            )
        rest = tail.strip()
    return Marker(frozenset(flags), tuple(values))


@dataclass(frozen=True)
class Block:
    """A fenced block of a page."""

    page: str  # path relative to the repository
    line: int  # line of the opening fence (1-based)
    lang: str
    text: str
    marker: Marker = Marker()

    @property
    def id(self) -> str:
        """``page:line [lang]``."""
        return f"{self.page}:{self.line} [{self.lang or 'no language'}]"

    @property
    def kind(self) -> str:
        """skip, synopsis, file, output, transcript, commands, scenario, fragment, python or
        unknown (a block the harness cannot run and that has no marker)."""
        m = self.marker
        for key in ("skip", "synopsis", "file", "output", "fragment"):
            if key in m:
                return key
        first = next((ln for ln in self.text.splitlines() if ln.strip()), "")
        if self.lang in {"text", "", "console"} and first.startswith("$ "):
            return "transcript"
        if self.lang in SHELLS:
            return "commands"
        if self.lang == "python":
            return "python"
        if self.lang == "yaml" and _is_scenario(self.text):
            return "scenario"
        return "unknown"

    @property
    def runs(self) -> bool:
        """True if the harness runs (or checks) the block."""
        return self.kind not in {"skip", "unknown"}


def _is_scenario(text: str) -> bool:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and "name" in data


def pages(root: Path = ROOT) -> list[str]:
    """The pages whose examples run, relative to ``root``."""
    found: set[Path] = set()
    for pattern in PAGE_GLOBS:
        found |= set(root.glob(pattern))
    return sorted(str(p.relative_to(root)) for p in found if p.is_file())


def blocks(page: str, root: Path = ROOT) -> list[Block]:
    """The fenced blocks of ``page`` with their markers."""
    lines = (root / page).read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE_RE.match(lines[i])
        if not m:
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), None)
        if end is None:
            raise DocExampleError(f"{page}:{i + 1}: a fence that is never closed")
        marker = _marker_before(lines, i, f"{page}:{i + 1}")
        text = "\n".join(lines[i + 1 : end]) + "\n"
        out.append(Block(page, i + 1, m.group(1), text, marker))
        i = end + 1
    return out


def _marker_before(lines: list[str], fence: int, where: str) -> Marker:
    j = fence - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j < 0 or not lines[j].rstrip().endswith("-->"):
        return Marker()
    start = j
    while start > 0 and "<!--" not in lines[start]:
        start -= 1
    m = MARKER_RE.search("\n".join(lines[start : j + 1]))
    if not m:
        return Marker()
    try:
        return parse_marker(m.group(1))
    except DocExampleError as exc:
        raise DocExampleError(f"{where}: {exc}") from None


def is_slow(block: Block, previous: Block | None) -> bool:
    """A block marked slow, or an output block after a slow block."""
    if "slow" in block.marker:
        return True
    return block.kind == "output" and previous is not None and "slow" in previous.marker


def not_run_reason(block: Block) -> str | None:
    """Why the harness does not run ``block`` (None if it does)."""
    if block.kind == "skip":
        return block.marker.get("skip") or "(no reason given)"
    return None


# ---------------------------------------------------------------------------------------------
# commands


def command_lines(text: str) -> list[str]:
    """The commands of a shell block: continuation lines joined, blank and comment lines out."""
    out: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = pending + raw
        if line.rstrip().endswith("\\"):
            pending = line.rstrip()[:-1] + " "
            continue
        pending = ""
        if line.strip() and not line.strip().startswith("#"):
            out.append(line.strip())
    if pending.strip():
        out.append(pending.strip())
    return out


def split_command(line: str) -> tuple[dict[str, str], list[str]]:
    """Environment assignments before the program, and the words of the command."""
    words = shlex.split(line, comments=True)
    env: dict[str, str] = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    return env, words


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def command_parser(words: Sequence[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The (sub)parser a command's words reach, and the subcommand path (``['plan', 'caps']``)."""
    from skyshield.cli.main import build_parser

    parser = build_parser()
    path: list[str] = []
    for word in words:
        sub = _subparsers(parser)
        if word not in sub:
            break
        parser = sub[word]
        path.append(word)
    return parser, path


def _option_actions(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in parser._actions for s in a.option_strings}


def small_argv(args: Sequence[str]) -> list[str]:
    """``args`` (the words after ``skyshield``) at small sizes (``SMALL``, ``--workers 1``)."""
    parser, _ = command_parser(args)
    actions = _option_actions(parser)
    out = list(args)
    for option, cap in SMALL.items():
        action = actions.get(option)
        if action is None:
            continue
        given = _option_value(out, action.option_strings)
        value = given if given is not None else action.default
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, int) and value > cap:
            out = _set_option(out, action.option_strings, str(cap))
    if "--workers" in actions and _option_value(out, ["--dask"]) is None:
        out = _set_option(out, _option_actions(parser)["--workers"].option_strings, "1")
    return out


def _option_value(args: Sequence[str], names: Sequence[str]) -> str | None:
    for i, word in enumerate(args):
        for name in names:
            if word == name and i + 1 < len(args):
                return args[i + 1]
            if word.startswith(name + "="):
                return word.split("=", 1)[1]
    return None


def _set_option(args: list[str], names: Sequence[str], value: str) -> list[str]:
    out: list[str] = []
    skip = False
    for i, word in enumerate(args):
        if skip:
            skip = False
            continue
        if word in names and i + 1 < len(args):
            skip = True
            continue
        if any(word.startswith(n + "=") for n in names):
            continue
        out.append(word)
    return [*out, names[-1], value]


def small_python(source: str) -> str:
    """A Python block with its size keywords (``SMALL_KEYWORDS``) made small."""

    def cap(m: re.Match[str]) -> str:
        name, value = m.group(1), int(m.group(2))
        return f"{name}={min(value, SMALL_KEYWORDS[name])}"

    names = "|".join(SMALL_KEYWORDS)
    return re.sub(rf"\b({names})\s*=\s*(\d+)\b", cap, source)


def check_synopsis(block: Block) -> None:
    """Every option a usage line names is an option of its command (an indented line continues
    the usage line before it, as argparse writes long ones)."""
    problems = []
    text = re.sub(r"\n[ \t]+(?=\S)", " ", block.text)
    for line in command_lines(text):
        words = line.replace("[", " ").replace("]", " ").replace("|", " ").split()
        if not words or words[0] != "skyshield":
            problems.append(f"not a skyshield usage line: {line!r}")
            continue
        parser, path = command_parser(words[1:])
        if not path:
            problems.append(f"no such command: {line!r}")
            continue
        known = set(_option_actions(parser))
        named = {w.split("=")[0].rstrip(",") for w in words if w.startswith("--")}
        problems += [
            f"skyshield {' '.join(path)} has no option {opt}" for opt in sorted(named - known)
        ]
    if problems:
        raise DocExampleError(f"{block.id}: " + "; ".join(problems))


# ---------------------------------------------------------------------------------------------
# comparing output


def terminal(text: str) -> str:
    """``text`` as a terminal shows it: a carriage return starts the line again."""
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def normalise(text: str, workdir: Path | None = None) -> str:
    """Durations, store paths and the working folder taken out (see the module docstring)."""
    if workdir is not None:
        text = text.replace(str(workdir) + os.sep, "").replace(str(workdir), ".")
    text = STORE_RE.sub("<store>", text)
    return DURATION_RE.sub("<time>", text)


def _token_pattern(token: str, shape: bool) -> re.Pattern[str]:
    parts: list[str] = []
    pos = 0
    pattern = re.compile("|".join([RUN_ID_RE.pattern, *([NUMBER_RE.pattern] if shape else [])]))
    for m in pattern.finditer(token):
        parts.append(re.escape(token[pos : m.start()]))
        if RUN_ID_RE.fullmatch(m.group(0)):
            parts.append(f"(?P<id{len(parts)}>[0-9a-f]{{12}})")
        else:
            parts.append(NUMBER_RE.pattern)
        pos = m.end()
    parts.append(re.escape(token[pos:]))
    return re.compile("".join(parts))


def _match_chunk(
    chunk: list[str],
    patterns: list[re.Pattern[str]],
    actual: list[str],
    at: int,
    ids: dict[str, str],
) -> dict[str, str] | None:
    """Bindings (shown id -> real id) if ``chunk`` matches ``actual`` from ``at``, else None."""
    if at < 0 or at + len(chunk) > len(actual):
        return None
    bound = dict(ids)
    for k, (token, pattern) in enumerate(zip(chunk, patterns, strict=True)):
        m = pattern.fullmatch(actual[at + k])
        if m is None:
            return None
        shown = RUN_ID_RE.findall(token)
        real = [v for _, v in sorted(m.groupdict().items(), key=lambda kv: int(kv[0][2:]))]
        for s, r in zip(shown, real, strict=True):
            if bound.setdefault(s, r) != r:
                return None
    return bound


def compare(
    shown: str,
    actual: str,
    *,
    shape: bool = False,
    excerpt: bool = False,
    ids: dict[str, str] | None = None,
    workdir: Path | None = None,
) -> dict[str, str]:
    """Check ``actual`` output against the ``shown`` one; returns the run ids bound (shown ->
    real) and raises DocExampleError with a diff if they differ."""
    ids = dict(ids or {})
    shown_n = normalise(shown)
    actual_n = normalise(terminal(actual), workdir)
    chunks: list[list[str]] = [[]]
    for line in shown_n.splitlines():
        if line.strip() == GAP:
            chunks.append([])
        else:
            chunks[-1].extend(line.split())
    lead_gap = excerpt or (len(chunks) > 1 and not chunks[0])
    tail_gap = excerpt or (len(chunks) > 1 and not chunks[-1])
    chunks = [c for c in chunks if c]
    tokens = actual_n.split()
    at = 0
    for n, chunk in enumerate(chunks):
        patterns = [_token_pattern(t, shape) for t in chunk]
        last = n == len(chunks) - 1
        if n == 0 and not lead_gap:
            starts: Iterable[int] = [0]
        elif last and not tail_gap:
            starts = [len(tokens) - len(chunk)]
        else:
            starts = range(at, len(tokens) - len(chunk) + 1)
        found = None
        for start in starts:
            if start >= at:
                found = _match_chunk(chunk, patterns, tokens, start, ids)
            if found is not None:
                at, ids = start + len(chunk), found
                break
        if found is None:
            raise DocExampleError(_diff(shown_n, actual_n, " ".join(chunk)))
        if last and not tail_gap and at != len(tokens):
            raise DocExampleError(_diff(shown_n, actual_n, "(the end of the output)"))
    return ids


def _diff(shown: str, actual: str, where: str) -> str:
    lines = difflib.unified_diff(
        shown.splitlines(), actual.splitlines(), "shown in the docs", "actual output", lineterm=""
    )
    return f"the output differs from the one shown, at: {where[:200]!r}\n" + "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# running a page


def prepare_workdir(workdir: Path) -> None:
    """The working folder of a page: a copy of ``scenarios/`` and the shipped record."""
    shutil.copytree(ROOT / "scenarios", workdir / "scenarios")
    record = ROOT / "src" / "skyshield" / "data" / "record" / "missile_attacks_daily.csv"
    shutil.copyfile(record, workdir / "missile_attacks_daily.csv")


@dataclass
class PageRun:
    """The state of one page's examples: working folder, store, last output, bound run ids."""

    workdir: Path
    store: Path
    last_output: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)  # what ran, for the failure messages

    def run(self, block: Block) -> None:
        """Run or check one block; DocExampleError if it does not do what the page shows."""
        try:
            getattr(self, "_" + block.kind)(block)
        except DocExampleError as exc:
            raise DocExampleError(f"{block.id}: {exc}") from None

    # -- kinds -------------------------------------------------------------------------------

    def _unknown(self, block: Block) -> None:
        raise DocExampleError(
            "the harness cannot run this block: mark it (<!-- docs-test: skip: REASON -->,"
            " output, file: NAME, fragment: BASE or synopsis)"
        )

    def _skip(self, block: Block) -> None:
        pass

    def _synopsis(self, block: Block) -> None:
        check_synopsis(block)

    def _file(self, block: Block) -> None:
        name = block.marker.get("file") or ""
        target = (self.workdir / name).resolve()
        if not target.is_relative_to(self.workdir.resolve()):
            raise DocExampleError(f"file: {name} lies outside the working folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.text, encoding="utf-8")

    def _scenario(self, block: Block) -> None:
        name = str(yaml.safe_load(block.text)["name"])
        path = self.workdir / f"{name}.yaml"
        path.write_text(block.text, encoding="utf-8")
        self.command(f"skyshield scenario validate {path.name}", expect=0)

    def _fragment(self, block: Block) -> None:
        base = block.marker.get("fragment")
        path = self.workdir / "fragment.yaml"
        path.write_text(f"name: fragment\nextends: {base}\n{block.text}", encoding="utf-8")
        self.command(f"skyshield scenario validate {path.name}", expect=0)

    def _commands(self, block: Block) -> None:
        for line in command_lines(block.text):
            self.command(line, expect=0)

    def _transcript(self, block: Block) -> None:
        steps: list[tuple[str, list[str]]] = []
        for line in block.text.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        for command, shown in steps:
            text = "\n".join(shown)
            error = any(ln.startswith("error:") for ln in shown)
            actual = self.command(command, expect=2 if error else 0)
            if text.strip():
                self._compare(block, text, actual)

    def _output(self, block: Block) -> None:
        if self.last_output is None:
            raise DocExampleError("an output block with no command before it on the page")
        self._compare(block, block.text, self.last_output)

    def _python(self, block: Block) -> None:
        script = self.workdir / f"example_{block.line}.py"
        script.write_text(small_python(block.text), encoding="utf-8")
        home = self.workdir / "home"
        home.mkdir(exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": _package_root(),  # the skyshield these tests import, not another install
            "HOME": str(home),
            "SKYSHIELD_STORE": str(self.store),
            "MPLBACKEND": "Agg",
            "PYTHONHASHSEED": "0",
        }
        done = subprocess.run(
            [sys.executable, script.name],
            cwd=self.workdir, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        self.ran.append(f"python {script.name}")
        if done.returncode != 0:
            raise DocExampleError(
                f"the Python block exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        self.last_output = done.stdout

    # -- helpers -----------------------------------------------------------------------------

    def _compare(self, block: Block, shown: str, actual: str) -> None:
        self.ids = compare(
            shown,
            actual,
            shape="shape" in block.marker,
            excerpt="excerpt" in block.marker,
            ids=self.ids,
            workdir=self.workdir,
        )

    def resolve(self, words: list[str]) -> list[str]:
        """Run placeholders and shown run ids replaced by real ones."""
        out = []
        for word in words:
            if word in {"RUN", "RUN_A", "RUN_B"}:
                word = self._stored_run(1 if word == "RUN_A" else 0)
            for shown, real in self.ids.items():
                word = word.replace(shown, real)
            out.append(word)
        return out

    def _stored_run(self, k: int) -> str:
        from skyshield.runs import Store

        runs = Store(self.store).runs() if self.store.exists() else None
        if runs is None or len(runs) <= k:
            raise DocExampleError(
                f"the page names a stored run (RUN, RUN_A, RUN_B) but the store has"
                f" {0 if runs is None else len(runs)}: a command before must store one"
            )
        return str(runs["run_id"].iloc[k])

    def command(self, line: str, expect: int) -> str:
        """Run one command line in this process; its output (stdout and stderr, interleaved)."""
        env, words = split_command(line)
        if not words or words[0] != "skyshield":
            raise DocExampleError(
                f"cannot run {line!r} here (only skyshield commands run): mark the block"
            )
        argv = small_argv(self.resolve(words[1:]))
        code, output = run_cli(argv, env)
        self.ran.append(" ".join(["skyshield", *argv]))
        self.last_output = output
        if code != expect:
            raise DocExampleError(
                f"`skyshield {' '.join(argv)}` exited {code}, expected {expect}:\n{output[-3000:]}"
            )
        return output


def _package_root() -> str:
    """The folder holding the ``skyshield`` package this process imports."""
    import skyshield

    return str(Path(skyshield.__file__).resolve().parents[1])


def run_cli(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """``skyshield ARGV`` in this process: exit code and output (stdout and stderr together)."""
    from skyshield.cli.main import main

    buf = io.StringIO()
    saved = {k: os.environ.get(k) for k in env or {}}
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            try:
                code = main(list(argv))
            except SystemExit as exc:  # argparse: bad usage, --help, --version
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return code, buf.getvalue()
