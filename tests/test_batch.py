"""Batches (docs/contract.md §5, "Batches"): the batch engine gives exactly the reports of one-by-one
validation, in input order, in this process and in worker processes; a description that cannot be read
is an error object in its place; ``aiact validate DIR --format jsonl``; ``POST /validate/batch``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from reasoner import _engine, validate
from reasoner.batch import Batch, Source, assess_chunk, default_workers, dumps
from reasoner.description import load, media_type_of
from tests.scenarios import load as scenarios
from tests.test_cli import run

EXAMPLES = Path(__file__).parent.parent / "examples"
DAY = dt.date(2026, 11, 24)
PROBLEM = "application/problem+json"


def _examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.*"))


def _all_sources() -> list[Source]:
    """Every example (as its bytes) and every scenario input (parsed, with its own date)."""
    out = [Source(f.read_bytes(), media_type_of(f.name)) for f in _examples()]
    out += [Source(s.input, None, dt.date.fromisoformat(s.as_of)) for s in scenarios()]
    return out


def _one_by_one(sources: list[Source]) -> list[dict[str, Any]]:
    out = []
    for s in sources:
        data = s.content if s.media_type is None else load(s.content, s.media_type)
        out.append(validate(data, as_of=s.as_of or DAY))
    return out


@pytest.fixture(scope="module")
def expected() -> tuple[list[Source], list[dict[str, Any]]]:
    sources = _all_sources()
    return sources, _one_by_one(sources)


@pytest.fixture(scope="module")
def two_workers() -> Iterator[Batch]:
    """Two spawned workers, used for every batch however small (``in_process_below=0``)."""
    with Batch(2, in_process_below=0) as batch:
        yield batch


# -- the batch engine -----------------------------------------------------------------------------


def test_in_process_batch_gives_the_one_by_one_reports_in_order(
    expected: tuple[list[Source], list[dict[str, Any]]],
) -> None:
    sources, reports = expected
    assert len(sources) == 6 + 178
    got = Batch(1, engine=_engine()).validate(sources, DAY)
    assert [r["model"] for r in got] == [r["model"] for r in reports]
    assert got == reports


def test_two_worker_processes_give_the_one_by_one_reports_in_order(
    expected: tuple[list[Source], list[dict[str, Any]]], two_workers: Batch
) -> None:
    sources, reports = expected
    assert two_workers.chunks(len(sources)) < len(sources)  # several chunks: the order is rebuilt
    got = two_workers.validate(sources, DAY)
    assert got == reports


def _mixed() -> list[Source]:
    good = (EXAMPLES / "documented-model.json").read_bytes()
    return [
        Source(good),
        Source(b'{"name": "x",'),  # not JSON
        Source(b'{"name": "caf\xe9"}'),  # Latin-1, not UTF-8
        Source({"name": "y", "training_compute_flops": 1e25}, None),  # a misspelt key
        Source(["not", "an", "object"], None),
        Source(good.decode("utf-8").replace("ExampleLM-7B", "Second"), "application/json"),
        Source("name: [unclosed", "application/yaml"),
    ]


def _check_mixed(got: list[dict[str, Any]]) -> None:
    assert len(got) == 7
    assert got[0]["model"] == "ExampleLM-7B" and got[0]["conforms"] is True
    assert got[5]["model"] == "Second"
    assert got[0] == validate(json.loads((EXAMPLES / "documented-model.json").read_text()), as_of=DAY)
    for i in (1, 2, 3, 4, 6):
        error = got[i]["error"]
        assert error["status"] == 422 and error["title"] == "Unprocessable description", error
        assert error["errors"] and error["problem"]
    assert got[1]["error"]["problem"].startswith("not valid JSON")
    assert got[2]["error"]["problem"] == "the description is not UTF-8 text: byte 0xE9 at position 13"
    assert got[3]["error"]["field"] == "training_compute_flops"
    assert "did you mean 'training_compute_flop'" in got[3]["error"]["errors"][0]["problem"]
    assert "a description is an object" in got[4]["error"]["problem"]


def test_bad_inputs_in_the_middle_are_error_objects_in_their_place() -> None:
    _check_mixed(Batch(1, engine=_engine()).validate(_mixed(), DAY))


def test_bad_inputs_in_worker_processes_too(two_workers: Batch) -> None:
    _check_mixed(two_workers.validate(_mixed(), DAY))


def test_an_engine_failure_is_an_error_object_not_a_lost_batch() -> None:
    real = _engine()

    class Faulty:
        """The real engine, except that it fails on the model called "boom"."""

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def assess(self, data: dict[str, Any], as_of: dt.date) -> Any:
            if data["name"] == "boom":
                raise ZeroDivisionError("a bug")
            return real.assess(data, as_of)

        def assess_many(self, items: list[tuple[dict[str, Any], dt.date]]) -> Any:
            return [self.assess(d, day) for d, day in items]

    sources = [Source({"name": "a"}, None), Source({"name": "boom"}, None), Source({"name": "c"}, None)]
    got = assess_chunk(Faulty(), sources, DAY)  # type: ignore[arg-type]
    assert [g.get("model") for g in got] == ["a", None, "c"]
    assert got[1]["error"]["status"] == 500 and "ZeroDivisionError" in got[1]["error"]["problem"]
    assert got[0] == validate({"name": "a"}, as_of=DAY)


def test_an_empty_batch_and_the_default_workers() -> None:
    assert Batch(4).validate([], DAY) == []
    assert default_workers(1) == default_workers(19) == 1
    assert 1 <= default_workers(1000) <= 4


def test_dumps_keeps_text_and_numbers() -> None:
    value = {"quote": "‘provider’ é", "flop": 1e25, "small": 8.4e23, "big": 10**30}
    text = dumps(value).decode("utf-8")
    assert "‘provider’ é" in text  # not escaped
    assert json.loads(text) == value  # 1e25 stays a number; an integer beyond 64 bits too


# -- aiact validate DIR --format jsonl ------------------------------------------------------------


def _folder(tmp_path: Path, broken: bool = True) -> Path:
    for f in _examples():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "notes.txt").write_text("not a description")  # not read: not a description's suffix
    if broken:
        (tmp_path / "b-broken.yml").write_text("name: [unclosed\n")
    return tmp_path


def _lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_jsonl_over_a_folder_with_a_broken_file(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = run("validate", str(folder), "--format", "jsonl", "--as-of", DAY.isoformat())
    assert out.returncode == 2, out.stderr  # a file could not be read
    lines = _lines(out.stdout)
    names = sorted(p.name for p in folder.iterdir() if p.suffix != ".txt")
    assert [Path(line["file"]).name for line in lines] == names
    broken = lines[names.index("b-broken.yml")]
    assert broken["file"] == str(folder / "b-broken.yml")
    assert set(broken) == {"file", "error"} and broken["error"]["status"] == 422
    assert broken["error"]["problem"].startswith("not valid YAML")
    for line in lines:
        if "error" not in line:
            path = Path(line.pop("file"))
            assert line == validate(load(path.read_bytes(), media_type_of(path.name)), as_of=DAY)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_jsonl_exit_codes_over_a_batch(tmp_path: Path, workers: str) -> None:
    def code(*names: str) -> int:
        args = [str(EXAMPLES / n) for n in names]
        return run(
            "validate", *args, "--format", "jsonl", "--as-of", "2026-11-24", "--workers", workers
        ).returncode

    assert code("documented-model.json", "small-open-model.json") == 0
    assert code("documented-model.json", "closed-frontier-model.json") == 1
    model = json.loads((EXAMPLES / "documented-model.json").read_text())
    del model["placed_on_eu_market"]
    undetermined = tmp_path / "undetermined.json"
    undetermined.write_text(json.dumps(model))
    assert code("documented-model.json", str(undetermined)) == 3
    assert code(str(undetermined), "closed-frontier-model.json") == 1  # a violation outweighs cannot tell
    assert code("closed-frontier-model.json", str(tmp_path / "missing.json")) == 2


def test_jsonl_in_worker_processes_prints_the_same_lines(tmp_path: Path) -> None:
    """A folder of 25 descriptions: enough to start the workers (``IN_PROCESS_BELOW`` is 20)."""
    for n in range(4):
        for f in _examples():
            shutil.copy(f, tmp_path / f"{n}-{f.name}")
    (tmp_path / "2-zz-broken.json").write_bytes(b"\xff")
    args = ("validate", str(tmp_path), "--format", "jsonl", "--as-of", "2026-11-24")
    one, two = run(*args, "--workers", "1"), run(*args, "--workers", "2")
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout
    lines = _lines(two.stdout)
    assert len(lines) == 25 and [line["file"] for line in lines] == sorted(str(p) for p in tmp_path.iterdir())
    assert sum("error" in line for line in lines) == 1


def test_jsonl_names_a_missing_file_and_keeps_the_input_order(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.json")
    first, second = str(EXAMPLES / "small-open-model.json"), str(EXAMPLES / "fine-tune.yaml")
    out = run("validate", second, missing, first, "--format", "jsonl", "--as-of", "2026-11-24")
    lines = _lines(out.stdout)
    assert [line["file"] for line in lines] == [second, missing, first]
    assert lines[1]["error"]["status"] == 400 and "cannot read" in lines[1]["error"]["problem"]
    assert lines[0]["model"] == "LegalAssist-70B" and lines[2]["model"] == "Lumen-1B"


def test_jsonl_with_a_bad_date_gives_an_error_object_for_every_input() -> None:
    files = [str(EXAMPLES / "documented-model.json"), str(EXAMPLES / "fine-tune.yaml")]
    out = run("validate", *files, "--format", "jsonl", "--as-of", "2025-02-30")
    assert out.returncode == 2
    lines = _lines(out.stdout)
    assert [line["file"] for line in lines] == files
    assert all(line["error"]["field"] == "--as-of" and line["error"]["status"] == 400 for line in lines)


def test_a_folder_without_descriptions_is_bad_input(tmp_path: Path) -> None:
    out = run("validate", str(tmp_path), "--format", "jsonl")
    assert out.returncode == 2 and out.stdout == ""
    assert "no descriptions in it" in out.stderr


def test_a_folder_in_the_text_format(tmp_path: Path) -> None:
    out = run("validate", str(_folder(tmp_path, broken=False)), "--as-of", "2026-11-24")
    assert out.returncode == 1  # closed-frontier-model violates
    assert out.stdout.count(" — as of 2026-11-24: ") == len(_examples())


def test_workers_must_be_a_positive_number() -> None:
    out = run("validate", str(EXAMPLES / "documented-model.json"), "--format", "jsonl", "--workers", "0")
    assert out.returncode == 2 and "--workers" in out.stderr


def test_jsonl_from_stdin() -> None:
    out = run("validate", "-", "--format", "jsonl", "--as-of", "2026-11-24", stdin=b'{"name": "Tiny"}')
    (line,) = _lines(out.stdout)
    assert line["file"] == "-" and line["model"] == "Tiny"


# -- POST /validate/batch -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(query_workers=1, max_batch=4))) as c:
        yield c


def _descriptions() -> list[dict[str, Any]]:
    return [json.loads((EXAMPLES / n).read_text()) for n in ("documented-model.json", "non-eu-provider.json")]


def test_batch_as_a_json_array(client: TestClient) -> None:
    models = _descriptions()
    body = [models[0], {"name": "x", "training_compute_flops": 1e25}, models[1]]
    r = client.post("/validate/batch?as_of=2026-11-24", json=body)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    got = r.json()
    assert got[0] == validate(models[0], as_of=DAY) and got[2] == validate(models[1], as_of=DAY)
    assert got[1]["error"]["status"] == 422 and got[1]["error"]["field"] == "training_compute_flops"
    assert "‘" in r.text or "’" in r.text  # the Act's quotes, as they are (not \u2019)
    assert "\\u2019" not in r.text


def test_batch_as_json_lines_in_and_out(client: TestClient) -> None:
    models = _descriptions()
    lines = [json.dumps(models[0]), "", "{not json", json.dumps(models[1])]
    r = client.post(
        "/validate/batch?as_of=2026-11-24",
        content="\n".join(lines) + "\n",
        headers={"content-type": "application/x-ndjson", "accept": "application/x-ndjson"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/x-ndjson"
    assert r.text.endswith("\n")
    got = [json.loads(line) for line in r.text.splitlines()]
    assert len(got) == 3  # the blank line is skipped
    assert got[0] == validate(models[0], as_of=DAY) and got[2] == validate(models[1], as_of=DAY)
    assert got[1]["error"]["problem"].startswith("not valid JSON")
    as_array = client.post(
        "/validate/batch?as_of=2026-11-24", content=lines[0], headers={"content-type": "application/jsonl"}
    )
    assert as_array.headers["content-type"] == "application/json"  # JSON Lines only when Accept asks
    assert as_array.json() == got[:1]
    jsonl = client.post("/validate/batch", json=[], headers={"accept": "application/jsonl"})
    assert jsonl.headers["content-type"] == "application/jsonl" and jsonl.text == ""


def _problem(r: Any, status: int, words: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert words in r.json()["detail"], r.json()


def test_batch_limits_and_bad_bodies(client: TestClient) -> None:
    assert client.post("/validate/batch", json=[]).json() == []
    _problem(
        client.post("/validate/batch", json=[{"name": "x"}] * 5),
        413,
        "at most 4 descriptions (AIACT_MAX_BATCH)",
    )
    many_lines = "\n".join(['{"name": "x"}'] * 5)
    r = client.post("/validate/batch", content=many_lines, headers={"content-type": "application/x-ndjson"})
    _problem(r, 413, "this one has 5")
    _problem(client.post("/validate/batch", json={"name": "x"}), 422, "not a JSON object")
    _problem(client.post("/validate/batch", content="[1,", headers={"content-type": "application/json"}), 422,
             "not valid JSON")  # fmt: skip
    latin = client.post("/validate/batch", content=b"[\xff]", headers={"content-type": "application/json"})
    _problem(latin, 422, "not UTF-8")
    _problem(
        client.post("/validate/batch", content="", headers={"content-type": "application/json"}), 422, "empty"
    )
    _problem(client.post("/validate/batch", content="name: x", headers={"content-type": "text/yaml"}), 415,
             "send the batch as")  # fmt: skip
    _problem(
        client.post("/validate/batch", json=[], headers={"accept": "text/turtle"}), 406, "cannot send a batch"
    )
    _problem(client.post("/validate/batch?as_of=2025-02-30", json=[]), 400, "as_of")


def test_batch_is_in_the_openapi_document(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/validate/batch"]["post"]
    assert {"400", "406", "413", "415", "422"} <= set(operation["responses"])
    assert set(operation["requestBody"]["content"]) == {
        "application/json",
        "application/x-ndjson",
        "application/jsonl",
    }
    assert "AIACT_MAX_BATCH" in operation["requestBody"]["description"]


def test_single_validation_keeps_its_text_and_numbers(client: TestClient) -> None:
    model = {**_descriptions()[0], "training_compute_flop": 1e25}
    r = client.post("/validate?as_of=2026-11-24", json=model)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == validate(model, as_of=DAY)
    assert "\\u20" not in r.text and "1e25 FLOP" in r.text


def test_a_large_batch_runs_in_the_services_worker_processes(
    expected: tuple[list[Source], list[dict[str, Any]]],
) -> None:
    """A batch of IN_PROCESS_BELOW or more goes to the service's worker processes (AIACT_BATCH_WORKERS),
    whose engines read the dataset the service serves: the same reports, in input order, as a JSON array
    and as JSON Lines; a small batch stays in the service's process."""
    from reasoner.batch import IN_PROCESS_BELOW

    sources, _ = expected
    # the scenario inputs, all assessed on one date (their own dates aside)
    inputs = [s.content for s in sources if s.media_type is None][: IN_PROCESS_BELOW + 5]
    assert len(inputs) == IN_PROCESS_BELOW + 5
    want = [validate(c, as_of=DAY) for c in inputs]
    settings = Settings(query_workers=1, batch_workers=2)
    with TestClient(create_app(settings)) as c:
        services = c.app.state.services  # type: ignore[attr-defined]
        small = c.post("/validate/batch?as_of=2026-11-24", json=inputs[:3])
        assert small.json() == want[:3]
        assert services.batch._pool is None  # a small batch: no worker started
        r = c.post("/validate/batch?as_of=2026-11-24", json=inputs)
        assert r.status_code == 200, r.text
        assert services.batch._pool is not None  # the workers served it
        assert r.json() == want
        lines = c.post(
            "/validate/batch?as_of=2026-11-24", json=inputs, headers={"accept": "application/x-ndjson"}
        )
        assert [json.loads(line) for line in lines.text.splitlines()] == want
        assert services.batch.files == [str(f) for f in services.files]
    assert services.batch._pool is None  # stopped with the service
