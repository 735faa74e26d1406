"""DLT-registered SMS templates per language, loaded from sms/templates/<lang>.yaml.

India's DLT rules: every commercial SMS must match a template registered with the operator, fixed text
with `{#var#}` placeholders, each variable at most 30 characters. Our files write variables by name
(`{crop}`) so a translation may order them as its grammar needs; the registered text replaces each
name with `{#var#}`. A digest is the header followed by blocks, at most one per section, in priority
order; each such combination is one registered template (`registered()` lists them all for the DLT
portal). `check()` is the build-time gate: a missing language, block, variable or term fails it.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

TEMPLATE_DIR = Path(__file__).parent / "templates"
LANGUAGES = ("en", "kn", "hi")
MAX_VAR_CHARS = 30
DLT_VAR = "{#var#}"
# Sections in priority order and the blocks that can stand for each (one at most per digest).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("weather", ("weather_rain", "weather_heat", "weather_wind", "weather_cold")),
    ("pest", ("pest",)),
    ("irrigation", ("irrigate", "rain_expected", "no_irrigation")),
    ("price", ("price", "price_only")),
)
BLOCK_CODES = {"weather_rain": "W", "weather_heat": "H", "weather_wind": "G", "weather_cold": "C", "pest": "P", "irrigate": "I",
               "rain_expected": "R", "no_irrigation": "N", "price": "M", "price_only": "Q"}
_VAR = re.compile(r"\{([a-z_]+)\}")


class TemplateError(ValueError):
    """A template file is missing, incomplete or inconsistent with the others (a build-time error)."""


class RenderError(ValueError):
    """A message could not be rendered: unknown block or term, or a variable longer than DLT allows."""


@dataclass(frozen=True)
class TemplateSet:
    language: str
    version: int
    header: str
    blocks: dict[str, str]
    alerts: dict[str, str]
    terms: dict[str, dict[str, str]]

    def term(self, kind: str, key: str) -> str:
        try:
            return self.terms[kind][key]
        except KeyError:
            raise RenderError(f"{self.language}: no {kind} term for {key!r} in {TEMPLATE_DIR / (self.language + '.yaml')}") from None


@dataclass(frozen=True)
class Rendered:
    template_id: str
    text: str


def variables(text: str) -> list[str]:
    return _VAR.findall(text)


def dlt_text(text: str) -> str:
    return _VAR.sub(DLT_VAR, text)


def _load(language: str, template_dir: Path | None = None) -> TemplateSet:
    path = (template_dir or TEMPLATE_DIR) / f"{language}.yaml"
    if not path.exists():
        raise TemplateError(f"{path}: no template file for language {language!r}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return TemplateSet(language=raw["language"], version=int(raw["version"]), header=raw["header"],
                           blocks=dict(raw["blocks"]), alerts=dict(raw["alerts"]),
                           terms={k: {str(a): str(b) for a, b in v.items()} for k, v in raw["terms"].items()})
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as e:
        raise TemplateError(f"{path}: not a valid template file ({type(e).__name__}: {e})") from e


@functools.cache
def load(language: str) -> TemplateSet:
    return _load(language)


def expected_terms() -> dict[str, set[str]]:
    """Every value a variable can be translated from: the crops the advisories know, the pest threats,
    the severe-weather kinds the digest raises."""
    from ml.advisories.crops import CROPS
    from ml.advisories.pest_risk import THREATS
    from sms.weather_alerts import KINDS

    return {"crop": set(CROPS), "threat": {t.name for t in THREATS}, "weather": set(KINDS)}


def check(languages: tuple[str, ...] = LANGUAGES, template_dir: Path | None = None) -> list[str]:
    """All problems across the language files (empty list: complete). Raises nothing; see `require_complete`."""
    problems: list[str] = []
    sets: dict[str, TemplateSet] = {}
    for lang in languages:
        try:
            sets[lang] = _load(lang, template_dir)
        except TemplateError as e:
            problems.append(str(e))
    if "en" not in sets:
        return problems + ["en: the reference language is missing"]
    ref = sets["en"]
    want_blocks = {b for _, blocks in SECTIONS for b in blocks}
    terms = expected_terms()
    for lang, ts in sets.items():
        if ts.language != lang:
            problems.append(f"{lang}.yaml says language {ts.language!r}")
        if set(ts.blocks) != want_blocks:
            problems.append(f"{lang}: blocks {sorted(set(ts.blocks) ^ want_blocks)} missing or unknown")
        for group, ref_texts in (("header", {"header": ref.header}), ("blocks", ref.blocks), ("alerts", ref.alerts)):
            texts = {"header": ts.header} if group == "header" else getattr(ts, group)
            for name, ref_text in ref_texts.items():
                if name not in texts:
                    problems.append(f"{lang}: {group}.{name} has no translation")
                elif sorted(variables(texts[name])) != sorted(variables(ref_text)):
                    problems.append(f"{lang}: {group}.{name} has variables {sorted(variables(texts[name]))}, "
                                    f"en has {sorted(variables(ref_text))}")
            for name in set(texts) - set(ref_texts):
                problems.append(f"{lang}: {group}.{name} is not in en.yaml")
        for kind, keys in terms.items():
            missing = sorted(keys - set(ts.terms.get(kind, {})))
            if missing:
                problems.append(f"{lang}: no {kind} term for {missing}")
            long = sorted(k for k, v in ts.terms.get(kind, {}).items() if len(v) > MAX_VAR_CHARS)
            if long:
                problems.append(f"{lang}: {kind} terms longer than {MAX_VAR_CHARS} characters: {long}")
    return problems


def require_complete() -> None:
    problems = check()
    if problems:
        raise TemplateError("SMS templates are incomplete:\n  " + "\n  ".join(problems))


def digest_template_id(ts: TemplateSet, blocks: list[str]) -> str:
    return f"HM-{ts.language}-v{ts.version}-D-{''.join(BLOCK_CODES[b] for b in blocks)}"


def alert_template_id(ts: TemplateSet, alert: str) -> str:
    return f"HM-{ts.language}-v{ts.version}-A-{alert}"


def registered(languages: tuple[str, ...] = LANGUAGES) -> list[dict]:
    """Every template to register on the DLT portal: id, language, text with {#var#} placeholders."""
    out = []
    for lang in languages:
        ts = load(lang)
        options = [(None, *blocks) for _, blocks in SECTIONS]
        for combo in itertools.product(*options):
            chosen = [b for b in combo if b]
            if chosen:
                out.append({"template_id": digest_template_id(ts, chosen), "language": lang,
                            "text": dlt_text(ts.header + "".join(ts.blocks[b] for b in chosen))})
        for name, text in ts.alerts.items():
            out.append({"template_id": alert_template_id(ts, name), "language": lang, "text": dlt_text(text)})
    return out


def fill(text: str, values: dict[str, str]) -> str:
    for name in variables(text):
        value = values.get(name)
        if value is None:
            raise RenderError(f"variable {name!r} has no value")
        if len(value) > MAX_VAR_CHARS:
            raise RenderError(f"variable {name!r} is {len(value)} characters, DLT allows {MAX_VAR_CHARS}: {value!r}")
        if "\n" in value or "{" in value:
            raise RenderError(f"variable {name!r} contains a newline or brace: {value!r}")
    return _VAR.sub(lambda m: values[m.group(1)], text)


def matches(template_text: str, rendered: str) -> bool:
    """Does `rendered` match the registered `{#var#}` text the way the operator's scrubber checks it?"""
    parts = template_text.split(DLT_VAR)
    pattern = "".join(re.escape(p) + (f"[^\\n]{{0,{MAX_VAR_CHARS}}}" if i < len(parts) - 1 else "") for i, p in enumerate(parts))
    return re.fullmatch(pattern, rendered, flags=re.DOTALL) is not None
