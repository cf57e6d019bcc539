"""Load the legal scenarios of ``tests/cases/*.yaml`` (one file per provision)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reasoner.description import yaml_load

CASES = Path(__file__).parent / "cases"
EXAMPLES = Path(__file__).parent.parent / "examples"


@dataclass
class Scenario:
    file: str
    name: str
    as_of: str
    input: dict[str, Any]
    expect: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def load() -> list[Scenario]:
    templates = yaml_load((CASES / "_templates.yaml").read_text(encoding="utf-8"))
    out = []
    for path in sorted(CASES.glob("[!_]*.yaml")):
        data = yaml_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            if "example" in case:
                from reasoner.description import load as load_description
                from reasoner.description import media_type_of

                example = EXAMPLES / case["example"]
                base = load_description(example.read_bytes(), media_type_of(example.name))
            else:
                base = templates[case["extends"]] if "extends" in case else {}
            description = _merge(base, case.get("input", {}))
            if "name" not in description:
                description["name"] = case["name"]
            out.append(Scenario(path.stem, case["name"], str(case["as_of"]), description, case["expect"]))
    return out
