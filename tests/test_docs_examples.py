"""The documentation's examples run and show what they print.

Every fenced block of README.md and docs/**/*.md is run or checked, page by page, at small
sizes, by the harness in ``tests/doc_examples.py`` (its docstring says how: the kinds of block,
the ``<!-- docs-test: ... -->`` markers, the small sizes and how state passes between blocks).
``test_block_not_run`` lists, as skipped tests, every block the harness does not run, with the
reason its marker gives. The tests at the end check the harness itself: that it fails where the
docs are wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doc_examples import (
    PENDING,
    Block,
    DocExampleError,
    PageRun,
    blocks,
    check_synopsis,
    command_lines,
    compare,
    is_slow,
    not_run_reason,
    pages,
    parse_marker,
    prepare_workdir,
    small_argv,
    small_python,
)

PAGES = pages()


def _split(page: str) -> tuple[list[Block], list[Block]]:
    """The blocks of a page that run in the fast test and in the slow one."""
    fast: list[Block] = []
    slow: list[Block] = []
    previous = None
    for b in blocks(page):
        (slow if is_slow(b, previous) else fast).append(b)
        previous = b
    return fast, slow


SPLIT = {page: _split(page) for page in PAGES}
NOT_RUN = [b for page in PAGES for b in blocks(page) if not_run_reason(b) is not None]


def _run_page(
    page: str, chosen: list[Block], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    prepare_workdir(workdir)
    store = tmp_path / "store.duckdb"
    monkeypatch.setenv("SKYSHIELD_STORE", str(store))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(workdir)
    state = PageRun(workdir, store)
    failures = []
    for block in chosen:
        try:
            state.run(block)
        except DocExampleError as exc:
            if page not in PENDING:
                raise
            failures.append(str(exc).splitlines()[0])
    if failures:
        pytest.xfail(
            f"{page} is being rewritten ({PENDING[page]}); blocks to mark or fix when it lands:"
            f" {'; '.join(failures)}"
        )


#: Pages whose fast blocks take several seconds (runs of the reference): their fast test is left
#: out of `make check` too (make test runs it).
HEAVY_PAGES = {
    "README.md",
    "docs/api/index.md",
    "docs/exports.md",
    "docs/history.md",
    "docs/montecarlo.md",
    "docs/placement.md",
    "docs/record.md",
    "docs/scenario.md",
    "docs/sensitivity.md",
    "docs/truce.md",
    "docs/validity.md",
}


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(p, marks=pytest.mark.slow) if p in HEAVY_PAGES else p
        for p in PAGES
        if any(b.runs for b in SPLIT[p][0])
    ],
)
def test_page_examples_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run_page(page, SPLIT[page][0], tmp_path, monkeypatch)


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if SPLIT[p][1]])
def test_slow_page_examples_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run_page(page, SPLIT[page][1], tmp_path, monkeypatch)


@pytest.mark.parametrize("block", NOT_RUN, ids=lambda b: b.id)
def test_block_not_run(block: Block) -> None:
    reason = not_run_reason(block)
    assert reason and reason != "(no reason given)", f"{block.id}: a skip marker needs a reason"
    pytest.skip(f"{block.id}: {reason}")


def test_every_page_with_blocks_is_found() -> None:
    assert {"README.md", "docs/scenario.md", "docs/api/index.md", "docs/truce.md"} <= set(PAGES)
    assert all(blocks(p) is not None for p in PAGES)


# ---------------------------------------------------------------------------------------------
# the harness itself


def _page(tmp_path: Path, text: str) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "page.md").write_text(text, encoding="utf-8")
    return tmp_path


def test_blocks_and_markers_are_read(tmp_path: Path) -> None:
    root = _page(
        tmp_path,
        "# Page\n\n```sh\nskyshield forces small\n```\n\n<!-- docs-test: skip: needs a"
        " scheduler; or two -->\n\n```sh\ndask scheduler\n```\n\n<!-- docs-test: output;"
        " shape: full size -->\n```text\nx\n```\n\n```yaml\nname: s\nextends: small\n```\n\n"
        "```yaml\nengine: {c2_cycle_s: 30}\n```\n\n```\n$ skyshield forces small\n```\n",
    )
    found = blocks("docs/page.md", root)
    assert [(b.line, b.kind) for b in found] == [
        (3, "commands"), (9, "skip"), (14, "output"), (18, "scenario"), (23, "unknown"),
        (27, "transcript"),
    ]  # fmt: skip
    assert not_run_reason(found[1]) == "needs a scheduler; or two"
    assert found[2].marker.get("shape") == "full size" and "output" in found[2].marker


@pytest.mark.parametrize("bad", ["skipp: x", "output: x", "shape", "file:", "fragment"])
def test_an_unknown_or_incomplete_marker_is_an_error(bad: str) -> None:
    with pytest.raises(DocExampleError, match="unknown docs-test item"):
        parse_marker(bad)


def test_an_unmarked_block_that_cannot_run_fails(tmp_path: Path) -> None:
    state = PageRun(tmp_path, tmp_path / "s.duckdb")
    for text, lang in [("make demo\n", "sh"), ("engine: {c2_cycle_s: 30}\n", "yaml"),
                       ("some output\n", "text")]:  # fmt: skip
        with pytest.raises(DocExampleError, match=r"cannot run|mark it"):
            state.run(Block("docs/page.md", 1, lang, text))


def test_commands_are_made_small() -> None:
    assert small_argv(["mc", "reference", "--runs", "1000", "--workers", "2"]) == [
        "mc", "reference", "--runs", "2", "--workers", "1"
    ]  # fmt: skip
    # defaults that are large are set too; options a command does not have are left alone
    assert small_argv(["assess", "reference"]) == [
        "assess", "reference", "--runs", "2", "--sweep-runs", "1", "--record-runs", "2",
        "--workers", "1",
    ]  # fmt: skip
    assert small_argv(["forces", "small"]) == ["forces", "small"]
    assert small_argv(["mc", "small", "--runs", "1", "--dask", "local"]) == [
        "mc", "small", "--runs", "1", "--dask", "local"
    ]  # fmt: skip
    assert small_python("montecarlo('reference', runs=20)\nopen_executor(workers=2)") == (
        "montecarlo('reference', runs=2)\nopen_executor(workers=1)"
    )
    lines = command_lines("a \\\n  b  # c\n# d\n\ne\n")
    assert [" ".join(line.split()) for line in lines] == ["a b # c", "e"]


def test_a_synopsis_names_only_options_its_command_has() -> None:
    check_synopsis(Block("p", 1, "sh", "skyshield mc SCENARIO --runs N [--workers K] [--seed S]\n"))
    check_synopsis(Block("p", 1, "sh", "skyshield mc SCENARIO --runs N\n      [--seed S]\n"))
    with pytest.raises(DocExampleError, match="skyshield mc has no option --metric"):
        check_synopsis(Block("p", 1, "sh", "skyshield mc SCENARIO --runs N\n      [--metric M]\n"))
    with pytest.raises(DocExampleError, match="skyshield mc has no option --sweep-runs"):
        check_synopsis(Block("p", 1, "sh", "skyshield mc SCENARIO [--sweep-runs N]\n"))


def test_output_is_compared_word_by_word() -> None:
    actual = "stored as run 1a2b3c4d5e6f in /tmp/x/store.duckdb; 2.3 s\nline two   here\n"
    ids = compare("stored as run 70fe0413dafa in /home/me/store.duckdb; 4.4 s\nline two here\n",
                  actual)  # fmt: skip
    assert ids == {"70fe0413dafa": "1a2b3c4d5e6f"}
    compare("...\nline two here", actual)  # a gap before
    compare("line two", actual, excerpt=True)
    with pytest.raises(DocExampleError, match="differs"):
        compare("line two here", actual)  # more came before it
    with pytest.raises(DocExampleError, match="differs"):
        compare("stored as run 70fe0413dafa in x; 4.4 s\nline 2 here\n", actual, shape=True)
    compare("stored as run 70fe0413dafa in <store>; 1 s\nline two here", actual, shape=True)
    with pytest.raises(DocExampleError, match="differs"):
        compare("total 3,028 launched", "total 3,029 launched")
    compare("total 3,028 launched", "total 3,029 launched", shape=True)
    # one shown id stands for one real id
    with pytest.raises(DocExampleError, match="differs"):
        compare("run 70fe0413dafa and 70fe0413dafa", "run 1a2b3c4d5e6f and 9a2b3c4d5e6f")


def test_a_wrong_exit_code_or_output_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    state = PageRun(tmp_path, tmp_path / "s.duckdb")
    state.run(Block("p", 1, "text", "$ skyshield scenario validate small\nOK <builtin small>:"
                    " scenario 'small', 3 members, 18 aircraft, 2 CAP station(s), 16 protected"
                    " assets\n"))  # fmt: skip
    with pytest.raises(DocExampleError, match="differs"):
        state.run(Block("p", 1, "text", "$ skyshield scenario validate small\nOK, 17 aircraft\n"))
    with pytest.raises(DocExampleError, match="exited 2, expected 0"):
        state.run(Block("p", 1, "sh", "skyshield scenario validate nothing.yaml\n"))
    with pytest.raises(DocExampleError, match="a command before must store one"):
        state.run(Block("p", 1, "sh", "skyshield runs show RUN\n"))


def test_a_python_block_runs_the_skyshield_the_tests_import(tmp_path: Path) -> None:
    import skyshield

    state = PageRun(tmp_path, tmp_path / "s.duckdb")
    state.run(Block("p", 1, "python", "import skyshield\nprint(skyshield.__file__)\n"))
    assert state.last_output is not None
    assert Path(state.last_output.strip()).resolve() == Path(skyshield.__file__).resolve()
