"""Full-text search over the provisions: an SQLite FTS5 index (porter stemming, BM25 ranking with headings
weighing more than body text, phrase queries, highlighted snippets), widened with the search synonyms of
``ontology/search_synonyms.ttl`` (search aids, not law). Built once, in memory, from the store; a query
that is a citation jumps to the cited provision.

Each provision is indexed with its own text only — a paragraph without its points, an article without its
paragraphs — so that a hit lands on the finest provision that says it and a container never repeats its
child's words. Its heading (an article's or annex's title) and the lead-in of the provisions it sits in
("Providers of general-purpose AI models shall:") are indexed as context, weighing less than the text.

A query is never FTS5 syntax: it is cut into words and ``"quoted phrases"``, each quoted for FTS5, so
``AND OR "`` or ``NEAR(`` are searched as words. Quoted phrases must all be present; the other words
rank the results, the provisions having most of them first.
"""

from __future__ import annotations

import html
import re
import sqlite3
import threading
from dataclasses import dataclass

from kg.act import PREFIXES, Act
from kg.index import AmbiguousProvision, UnknownProvision
from kg.store.core import term_text

SYNONYMS = "https://w3id.org/aiact-kg/search-synonyms#"
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_TOKEN = re.compile(r"\w+")
_PHRASE = re.compile(r'"([^"]*)"')
# a numbering left behind when a child's text is taken out of its parent's: "1.", "(a)", "Article 5"
_LABEL = re.compile(
    r"(?m)^\s*(?:\(\w{1,5}\)|\d{1,3}\.|Section \d{1,2}|Article \d{1,3}|Annex [IVXL]{1,5})\s*$"
)
# a definition of Art. 3 opens with the term it defines, which is its heading for the search
_DEFINED = re.compile(r"^‘([^’]{1,120})’ means")
_START, _END = "\x02", "\x03"  # hit marks in FTS5 snippets: no provision text holds these characters
_STOP = frozenset(
    "a an and are as at be by can do does for from how i in is it its my of on or our shall should that the "
    "their them there these this those to under us was we what when where which who why will with".split()
)
# column weights of bm25(): title, context (heading and lead-ins), own text
_WEIGHTS = (10.0, 0.5, 1.0)
# recitals explain the articles and do not bind: a reader wants the operative provision first
_KIND_WEIGHT = {"Recital": 0.6, "Chapter": 0.8, "Section": 0.8}
_SNIPPET_TOKENS = 48


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` (hyphenated words whole)."""
    return _WORD.findall(text.lower())


def _norm(word: str) -> str:
    """A crude singular, for matching synonym labels: "operations" and "operation" alike."""
    w = word.lower()
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_norm(t) for t in _TOKEN.findall(text))


def _fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: a string, every double quote doubled, so no syntax gets through."""
    return '"' + " ".join(_TOKEN.findall(text.lower())).replace('"', '""') + '"'


@dataclass(frozen=True)
class Hit:
    iri: str
    notation: str
    title: str | None
    score: float
    snippet: str  # plain text
    snippet_html: str = ""  # HTML: the text escaped, the words that matched in <mark>…</mark>


@dataclass(frozen=True)
class Group:
    """One idea of the query: a word, a quoted phrase, or a phrase with its synonyms."""

    phrases: tuple[str, ...]  # FTS5 phrases, any of which matches
    required: bool = False

    @property
    def fts(self) -> str:
        return self.phrases[0] if len(self.phrases) == 1 else "(" + " OR ".join(self.phrases) + ")"


class Search:
    def __init__(self, act: Act) -> None:
        self.act = act
        index = act.index
        rows = act.store.query(
            PREFIXES
            + """SELECT ?p ?text WHERE {
            ?p a <http://data.europa.eu/eli/ontology#LegalResourceSubdivision> ; aikg:text ?text }"""
        ).rows
        self.text = {term_text(r["p"]): term_text(r["text"]) for r in rows}
        self.own = {iri: self._own_text(iri) for iri in index.provisions}
        self.synonyms = self._load_synonyms()
        self._labels = {_tokens(label): key for key, group in self.synonyms.items() for label in group}
        self._longest = max((len(k) for k in self._labels), default=0)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        tokenizer = "porter unicode61 remove_diacritics 2"  # stemmed: "operations" finds "operation"
        self._db.execute(f"CREATE VIRTUAL TABLE p USING fts5(title, context, body, tokenize='{tokenizer}')")
        self.iris = list(index.provisions)
        self._db.executemany(
            "INSERT INTO p(rowid, title, context, body) VALUES (?, ?, ?, ?)",
            [(n, self._title(iri), self._context(iri), self.own[iri]) for n, iri in enumerate(self.iris)],
        )
        self._db.execute("INSERT INTO p(p) VALUES ('optimize')")

    # -- building -------------------------------------------------------------------------------------------

    def _own_text(self, iri: str) -> str:
        """The provision's text without its children's texts: what it says itself."""
        own = self.text.get(iri, "")
        for child in self.act.index.children.get(iri, []):
            piece = self.text.get(child, "")
            at = own.find(piece) if piece else -1
            if at >= 0:
                own = own[:at] + "\n" + own[at + len(piece) :]
        return re.sub(r"\n{2,}", "\n", _LABEL.sub("", own)).strip()

    def _title(self, iri: str) -> str:
        """The provision's heading, or the term a definition defines."""
        defined = _DEFINED.match(self.own[iri])
        return self.act.index[iri].title or (defined.group(1) if defined else "")

    def _context(self, iri: str) -> str:
        """The heading a provision is read under and the lead-ins of the provisions it sits in."""
        index = self.act.index
        parts: list[str] = []
        for a in index.ancestors(iri)[1:]:
            p = index[a]
            if p.kind in ("Chapter", "Section"):
                break
            parts.append(p.title or "")
            parts.append(self.own.get(a, ""))
            if p.kind in ("Article", "Annex", "Recital"):
                break
        return "\n".join(x for x in parts if x)

    def _load_synonyms(self) -> dict[str, list[str]]:
        """Concept IRI → its labels (ontology/search_synonyms.ttl)."""
        rows = self.act.store.query(
            PREFIXES
            + f"""SELECT ?c ?label WHERE {{
            ?c skos:inScheme <{SYNONYMS}scheme> ; skos:prefLabel|skos:altLabel ?label }}"""
        ).rows
        out: dict[str, list[str]] = {}
        for r in sorted(rows, key=lambda r: (term_text(r["c"]), term_text(r["label"]))):
            label = term_text(r["label"])
            labels = out.setdefault(term_text(r["c"]), [])
            if _tokens(label) and label not in labels:
                labels.append(label)
        return out

    # -- querying -------------------------------------------------------------------------------------------

    def _synonym_group(self, tokens: tuple[str, ...], required: bool = False) -> Group | None:
        key = self._labels.get(tokens)
        if key is None:
            return None
        return Group(tuple(dict.fromkeys(_fts_phrase(label) for label in self.synonyms[key])), required)

    def groups(self, query: str) -> list[Group]:
        """The query cut into groups: quoted phrases (required), then synonym phrases and single words."""
        out: list[Group] = []
        for phrase in _PHRASE.findall(query):
            if _TOKEN.search(phrase):
                out.append(self._synonym_group(_tokens(phrase), True) or Group((_fts_phrase(phrase),), True))
        free = words(_PHRASE.sub(" ", query).replace('"', " "))
        norm = [_tokens(w) for w in free]
        only_stop = all(w in _STOP for w in free)  # "AND OR": searched as the words they are
        i = 0
        while i < len(free):
            for n in range(min(self._longest, len(free) - i), 0, -1):
                span = tuple(t for w in norm[i : i + n] for t in w)
                group = self._synonym_group(span)
                if group is not None:
                    out.append(group)
                    i += n
                    break
            else:
                if free[i] not in _STOP or only_stop:
                    out.append(Group((_fts_phrase(free[i]),)))
                i += 1
        unique: list[Group] = []
        for g in out:
            if g not in unique:
                unique.append(g)
        return unique

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        hits: list[Hit] = []
        try:
            exact = self.act.resolve(query)
        except (UnknownProvision, AmbiguousProvision):
            pass
        else:
            text = " ".join(self.text.get(exact, "").split())
            snippet = text[:200] + ("…" if len(text) > 200 else "")
            hits.append(self._hit(exact, 1e9, snippet, html.escape(snippet)))
        # a citation is searched as one phrase besides: the provisions that cite it in those words
        groups = self.groups(query) if not hits else [Group((_fts_phrase(query),), True)]
        if groups:
            hits += self._full_text(groups, limit + 10)
        seen: set[str] = set()
        snippets = {""}
        out: list[Hit] = []
        for h in hits:
            if h.iri in seen or h.snippet in snippets:
                # the citation's provision again, a container repeating its child's words, or a container
                # with no words nor heading of its own (its subparagraphs say it all)
                continue
            seen.add(h.iri)
            snippets.add(h.snippet)
            out.append(h)
        return out[:limit]

    def _full_text(self, groups: list[Group], limit: int) -> list[Hit]:
        required = [g.fts for g in groups if g.required]
        optional = [g.fts for g in groups if not g.required]
        parts = [*required]
        if optional:
            parts.append("(" + " OR ".join(optional) + ")" if required else " OR ".join(optional))
        match = " AND ".join(parts)
        weights = ", ".join(str(w) for w in _WEIGHTS)
        with self._lock:
            scored = self._db.execute(
                f"SELECT rowid, -bm25(p, {weights}) FROM p WHERE p MATCH ? ORDER BY 2 DESC LIMIT 400",
                (match,),
            ).fetchall()
            if not scored:
                return []
            ranked = self._rank(groups, scored)[:limit]
            keep = [r for _, r in ranked]
            marks = f"snippet(p, 2, '{_START}', '{_END}', '…', {_SNIPPET_TOKENS})"
            among = ",".join("?" * len(keep))
            snips = dict(
                self._db.execute(
                    f"SELECT rowid, {marks} FROM p WHERE p MATCH ? AND rowid IN ({among})", (match, *keep)
                ).fetchall()
            )
        index = self.act.index
        hits = []
        for score, r in ranked:
            iri = self.iris[r]
            # the provision's own words (never its heading's or lead-in's: those are its parent's snippet)
            marked = " ".join(str(snips.get(r, "")).split()) or index[iri].title or ""
            plain = marked.replace(_START, "").replace(_END, "")
            rich = html.escape(marked).replace(_START, "<mark>").replace(_END, "</mark>")
            hits.append(self._hit(iri, score, plain, rich))
        return hits

    def _rank(self, groups: list[Group], scored: list[tuple[int, float]]) -> list[tuple[float, int]]:
        """BM25 times the share of the query's groups a provision has (squared), times one plus the share
        its heading has, times the weight of its kind; best first, ties in notation order."""
        coverage = {r: 0 for r, _ in scored}
        headed = dict(coverage)
        for g in groups:
            for counts, expression in ((coverage, g.fts), (headed, "title : " + g.fts)):
                for (r,) in self._db.execute("SELECT rowid FROM p WHERE p MATCH ?", (expression,)):
                    if r in counts:
                        counts[r] += 1
        n = len(groups)
        index = self.act.index
        ranked = [
            (
                bm25
                * (max(coverage[r], 1) / n) ** 2
                * (1 + headed[r] / n)
                * _KIND_WEIGHT.get(index[self.iris[r]].kind, 1.0),
                r,
            )
            for r, bm25 in scored
        ]
        return sorted(ranked, key=lambda x: (-x[0], index[self.iris[x[1]]].notation))

    def _hit(self, iri: str, score: float, snippet: str, snippet_html: str) -> Hit:
        p = self.act.index[iri]
        return Hit(iri, p.notation, p.title, score, snippet, snippet_html)
