"""The Formex copy in kg/formex is the Official Journal's, unmodified; so is the EUR-Lex HTML beside it."""

import hashlib

from kg import paths


def test_formex_files_match_their_checksums() -> None:
    lines = (paths.FORMEX / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == 16  # the act, 13 annexes, the manifest, the EUR-Lex HTML rendering
    for line in lines:
        digest, name = line.split()
        assert hashlib.sha256((paths.FORMEX / name).read_bytes()).hexdigest() == digest, name


def test_provenance_note_names_the_source_and_the_version() -> None:
    note = (paths.FORMEX / "PROVENANCE.md").read_text()
    assert "http://data.europa.eu/eli/reg/2024/1689/oj" in note
    assert "2026/1744" in note  # the amendments the graph does not include
    assert "eurlex.html" in note and "2011/833/EU" in note  # the HTML the text is checked against, reuse


def test_the_model_cards_are_the_hubs_unmodified() -> None:
    """tests/fixtures/hf-model-cards/cards: byte for byte as collected (no formatter may touch them)."""
    folder = paths.ROOT / "tests" / "fixtures" / "hf-model-cards"
    lines = (folder / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == 317
    for line in lines:
        digest, name = line.split()
        assert hashlib.sha256((folder / "cards" / name).read_bytes()).hexdigest() == digest, name
