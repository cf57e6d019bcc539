"""The citation notation (docs/contract.md §1): every provision round-trips, sloppy forms parse, unknown
ones fail."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.act import Act
from kg.index import AmbiguousProvision, UnknownProvision
from kg.notation import parse


def test_every_provision_round_trips(act: Act) -> None:
    index = act.index
    assert len(index.provisions) == 1622
    for iri, p in index.provisions.items():
        assert parse(p.notation, index) == iri, p.notation
        # and through the descent, not only the exact-notation lookup
        assert index.resolve(__import__("kg.notation").notation.tokens(p.notation)) == iri, p.notation
        assert parse(iri, index) == iri


def _sloppy(notation: str, data: st.DataObject) -> str:
    text = notation
    if data.draw(st.booleans()):
        text = text.replace("Art. ", data.draw(st.sampled_from(["Article ", "Art ", "art. ", "ART. "])))
    if data.draw(st.booleans()):
        text = text.replace(", ", data.draw(st.sampled_from([" ", ",  ", " , "])))
    if data.draw(st.booleans()):
        text = re.sub(r"\((\w+)\)", data.draw(st.sampled_from([r" \1", r"(\1)", r" (\1)"])), text)
    return text


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_sloppy_variants_of_any_provision_parse_to_it(act: Act, data: st.DataObject) -> None:
    iri = data.draw(st.sampled_from(sorted(act.index.provisions)))
    notation = act.index[iri].notation
    assert parse(_sloppy(notation, data), act.index) == iri, notation


@pytest.mark.parametrize(("text", "expected"), [
    ("Article 53(1), point (a)", "Art. 53(1)(a)"),
    ("Art 53 1 a", "Art. 53(1)(a)"),
    ("art. 53(1)(a)", "Art. 53(1)(a)"),
    ("Annex XI Section 1 point 2(d)", "Annex XI, Section 1(2)(d)"),
    ("Art. 53 para. 2", "Art. 53(2)"),
    ("point (a) of Article 53(1)", "Art. 53(1)(a)"),
    ("Article 113(3), point (a)", "Art. 113, third paragraph, point (a)"),
    ("Art. 113, third paragraph, point (b)", "Art. 113, third paragraph, point (b)"),
    ("Article 5(1), first subparagraph, point (h)(iii)", "Art. 5(1)(h)(iii)"),
    ("Art. 3(63)", "Art. 3(63)"),
    ("Annex XIII(f)", "Annex XIII(f)"),
    ("Annex XII(1)(a)", "Annex XII(1)(a)"),
    ("annex 13 f", "Annex XIII(f)"),
    ("Chapter III, Section 4", "Chapter III, Section 4"),
    ("Chapter V", "Chapter V"),
    ("Recital 109", "Recital 109"),
    ("Annex VII, point 4.6", "Annex VII(4.6)"),
    ("Art. 43(1), second subparagraph, point (a)", "Art. 43(1), second subparagraph, point (a)"),
])  # fmt: skip
def test_long_and_sloppy_forms(act: Act, text: str, expected: str) -> None:
    assert act.index[parse(text, act.index)].notation == expected


@pytest.mark.parametrize(("text", "message"), [
    ("Art. 114", "Article 114 does not exist in Regulation (EU) 2024/1689, which has Articles 1 to 113"),
    ("Annex XIV", "Annex XIV does not exist in Regulation (EU) 2024/1689, which has Annexes I to XIII"),
    ("Art. 53(9)", "Art. 53(9) does not exist: Art. 53 has paragraphs 1, 2, 3, 4, 5, 6, 7"),
    ("Art. 53(1)(e)", "Art. 53(1)(e) does not exist: Art. 53(1) has points a, b, c, d"),
    ("Annex XI, Section 3", "Annex XI, Section 3 does not exist: Annex XI has sections 1, 2"),
    ("Recital 181", "Recital 181 does not exist"),
    ("Chapter XIV", "Chapter XIV does not exist"),
    ("https://w3id.org/aiact-kg/id/art_114", "is not a provision of Regulation (EU) 2024/1689"),
    ("Paragraph 2", "a citation starts with Art., Annex, Recital or Chapter"),
    ("", "cannot read"),
])  # fmt: skip
def test_unknown_provisions_are_errors_that_name_them(act: Act, text: str, message: str) -> None:
    with pytest.raises(UnknownProvision) as err:
        parse(text, act.index)
    assert message in str(err.value)


def test_an_ambiguous_citation_is_an_error_not_a_guess(act: Act) -> None:
    with pytest.raises(AmbiguousProvision, match=r"first subparagraph, point \(a\).*second subparagraph"):
        parse("Art. 43(1)(a)", act.index)
