"""``POST /describe`` (a model card in, what ``aiact describe --format json`` prints out) and ``GET /schema``,
through FastAPI's TestClient; the expected answers are the CLI's own, run on the same files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.test_cli import run

ROOT = Path(__file__).parent.parent
CARDS = Path(__file__).parent / "fixtures" / "hf-model-cards" / "cards"
CARD = CARDS / "bigcode_santacoder-megatron_README.md"  # front matter: licence, task, model-index
DAY = "2026-11-24"
PROBLEM = "application/problem+json"
MARKDOWN = {"content-type": "text/markdown; charset=utf-8"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(
        create_app(Settings(query_timeout=3, max_rows=500, query_workers=2, max_body=50_000))
    ) as c:
        yield c


def cli_describe(path: Path) -> dict[str, Any]:
    out = run("describe", str(path), "--format", "json", "--as-of", DAY)
    assert out.returncode == 0, out.stderr
    parsed: dict[str, Any] = json.loads(out.stdout)
    return parsed


def problem(response: Any, status: int, words: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and words in body["detail"], body
    return body


def test_a_card_gives_what_the_cli_prints(client: TestClient) -> None:
    expected = cli_describe(CARD)
    assert expected["provenance"] and expected["missing"]  # a card that says something and not everything
    r = client.post(
        f"/describe?as_of={DAY}&file_name={CARD.name}", content=CARD.read_bytes(), headers=MARKDOWN
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.json() == expected
    plain = client.post(
        f"/describe?as_of={DAY}&file_name={CARD.name}",
        content=CARD.read_bytes(),
        headers={"content-type": "text/plain"},
    )
    assert plain.json() == expected


def test_without_a_file_name_the_card_names_itself(client: TestClient, tmp_path: Path) -> None:
    """A body alone has no file name: the model is named by the card's model-index; the rest is what the
    CLI gives for the same card under its file name."""
    expected = cli_describe(CARD)
    r = client.post(f"/describe?as_of={DAY}", content=CARD.read_bytes(), headers=MARKDOWN).json()
    assert r["description"]["name"] == "SantaCoder"  # the card's model-index name
    assert r["provenance"]["name"] == "card: model-index name"
    drop = ("name",)
    assert {k: v for k, v in r["description"].items() if k not in drop} == {
        k: v for k, v in expected["description"].items() if k not in drop
    }
    assert {k: v for k, v in r["provenance"].items() if k not in drop} == {
        k: v for k, v in expected["provenance"].items() if k not in drop
    }
    assert r["missing"] == expected["missing"]
    # a card file named README.md: the route never looks at a folder, so the card names itself
    readme = client.post(
        f"/describe?as_of={DAY}&file_name=README.md", content=CARD.read_bytes(), headers=MARKDOWN
    )
    assert readme.json() == r


def test_the_missing_keys_follow_as_of(client: TestClient, tmp_path: Path) -> None:
    card = tmp_path / "owner_model_README.md"
    card.write_text("---\nlicense: mit\npipeline_tag: text-to-image\n---\n", encoding="utf-8")
    expected = cli_describe(card)
    r = client.post(
        f"/describe?as_of={DAY}&file_name={card.name}", content=card.read_bytes(), headers=MARKDOWN
    )
    assert r.json() == expected


def test_invalid_front_matter_is_a_422_naming_the_problem(client: TestClient, tmp_path: Path) -> None:
    text = "---\nlicense: mit\ntags: [a, b\npipeline_tag: x\n---\nbody\n"
    bad = tmp_path / "owner_model_README.md"
    bad.write_text(text, encoding="utf-8")
    cli = run("describe", str(bad), "--format", "json")
    assert cli.returncode == 2
    body = problem(client.post("/describe", content=text, headers=MARKDOWN), 422, "not valid YAML: line")
    assert body["detail"] in cli.stderr  # the CLI's own message


def test_other_media_types_are_415(client: TestClient) -> None:
    problem(client.post("/describe", content=CARD.read_bytes(), headers={"content-type": "application/json"}),
            415, "text/markdown")  # fmt: skip
    problem(client.post("/describe", content=b"x", headers={"content-type": "image/png"}), 415, "model card")


def test_oversize_is_413(client: TestClient) -> None:
    big = CARD.read_bytes() * 20
    assert len(big) > 50_000
    problem(client.post("/describe", content=big, headers=MARKDOWN), 413, "larger than 50000 bytes")


def test_empty_and_unreadable_bodies_are_problems(client: TestClient) -> None:
    problem(client.post("/describe", content=b"", headers=MARKDOWN), 422, "empty")
    problem(client.post("/describe", content=b"  \n", headers=MARKDOWN), 422, "empty")
    problem(
        client.post("/describe", content=b"---\nlicense: \xff\n---\n", headers=MARKDOWN), 422, "not UTF-8"
    )
    problem(client.post("/describe", content=b"---\n- a\n- b\n---\n", headers=MARKDOWN), 422, "not a mapping")


def test_the_route_never_fetches_a_hub_name(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """``hf:owner/name`` as a body is a card with no front matter, never a name to fetch."""
    import reasoner.model_card as model_card

    def refuse(*_: Any) -> str:
        raise AssertionError("fetched")

    monkeypatch.setattr(model_card, "fetch_card", refuse)
    r = client.post("/describe", content="hf:bigcode/santacoder", headers=MARKDOWN)
    assert r.status_code == 200 and r.json()["description"]["name"] == "unnamed model"


def test_the_routes_are_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/describe"]["post"]
    assert set(op["responses"]) >= {"200", "400", "413", "415", "422"}
    assert set(op["requestBody"]["content"]) == {"text/markdown", "text/plain"}
    assert {p["name"] for p in op["parameters"]} == {"as_of", "file_name"}
    assert "/describe" in (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")


def test_the_schema_route_serves_the_description_schema(client: TestClient) -> None:
    r = client.get("/schema")
    assert r.status_code == 200 and r.headers["content-type"] == "application/schema+json"
    assert r.json() == json.loads((ROOT / "docs" / "description.schema.json").read_text(encoding="utf-8"))
