"""The catalogues: strings extracted from the code, merged into each language's .po, compiled to .mo.

    python tools/translations.py            # make translations: update hinge_timer.pot, every .po and .mo
    python tools/translations.py --check    # what CI runs (tests/unit/test_translations.py): exit 1 and say
                                            # which strings a catalogue lacks, has left over or has not compiled

Strings are found by Babel's Python extractor: ``_()``, ``N_()``, ``ngettext()`` and ``pgettext()``
calls anywhere under hinge_timer/, with the comment lines starting "Translators:" above them.  A
language's .po is hand-written (docs/translations.md); updating keeps every translation whose English
is still in the code, adds the new strings untranslated and drops the ones the code no longer has.
The .mo files are what the app reads (the standard library's gettext) and are committed, so that a
checkout and a wheel need no build step.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from hinge_timer.i18n import DOMAIN, LANGUAGES, SOURCE  # noqa: E402

PACKAGE = ROOT / "hinge_timer"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
COMMENT_TAGS = ["Translators:"]
TRANSLATED = [code for code in LANGUAGES if code != SOURCE]
PROJECT = "Hinge Timer"


def po_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def extract() -> Catalog:
    """Every string the code marks, with where it is and its translator comments."""
    template = Catalog(project=PROJECT, fuzzy=False)
    method_map = [("**.py", "python")]
    options = {"**.py": {"encoding": "utf-8"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map, options, keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
            strip_comment_tags=True):
        template.add(message, None, [(f"hinge_timer/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    # No line numbers (they change with every edit) and no creation date: a catalogue changes only when its
    # strings do.
    write_po(out, catalog, width=100, include_lineno=False, omit_header=False, sort_output=False,
             ignore_obsolete=True)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


# Plural rules where Babel's (CLDR's for the bare language) are not the language as we write it: "pt" is
# Portugal's Portuguese, where 0 takes the plural ("0 séries"); CLDR's "pt" is Brazil's (0 is singular).
PLURAL_FORMS = {"pt": (2, "(n != 1)")}


def read(code: str) -> Catalog:
    with po_path(code).open("rb") as fh:
        catalog = read_po(fh, locale=code, domain=DOMAIN)
    if code in PLURAL_FORMS:
        catalog._num_plurals, catalog._plural_expr = PLURAL_FORMS[code]  # (Babel has no setter)
        for message in catalog:
            if message.id and isinstance(message.string, tuple):
                message.string = message.string[:catalog._num_plurals]
    return catalog


def _fixed_header(catalog: Catalog) -> None:
    import datetime

    fixed = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
    catalog.creation_date = catalog.revision_date = fixed
    catalog.project, catalog.version = PROJECT, ""
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = PROJECT
    catalog.last_translator = catalog.language_team = "Hinge Timer developers"


def update() -> None:
    template = extract()
    _fixed_header(template)
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(_po_bytes(template))
    for code in TRANSLATED:
        path = po_path(code)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            catalog = read(code)
        else:
            catalog = Catalog(locale=code, domain=DOMAIN, project=PROJECT)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        _fixed_header(catalog)
        path.write_bytes(_po_bytes(catalog))
        mo_path(code).write_bytes(_mo_bytes(read(code)))
        missing = sum(1 for m in read(code) if m.id and not _translated(m))
        print(f"{code}: {len(template)} strings, {missing} not translated")


def _translated(message: object) -> bool:
    string = message.string  # type: ignore[attr-defined]
    if getattr(message, "fuzzy", False):
        return False
    if isinstance(string, (tuple, list)):
        return all(string)
    return bool(string)


def problems() -> list[str]:
    """What CI fails on: a string of the code a catalogue lacks or has not translated, a string a catalogue
    has that the code no longer uses, a template or .mo not made from what is there now."""
    out: list[str] = []
    template = extract()
    wanted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id}
    if not TEMPLATE.exists():
        out.append(f"{TEMPLATE.relative_to(ROOT)} is missing: run make translations")
    else:
        with TEMPLATE.open("rb") as fh:
            committed = read_po(fh)
        have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in committed if m.id}
        if have != wanted:
            out.append(f"{TEMPLATE.relative_to(ROOT)} is not the code's strings: run make translations")
    for code in TRANSLATED:
        path = po_path(code)
        if not path.exists():
            out.append(f"{path.relative_to(ROOT)} is missing")
            continue
        catalog = read(code)
        have = {}
        for m in catalog:
            if m.id:
                have[(m.context, m.id if isinstance(m.id, str) else m.id[0])] = m
        for key in sorted(wanted - set(have), key=str):
            out.append(f"{code}: not in the catalogue: {key[1]!r}" + (f" (context {key[0]!r})" if key[0] else ""))
        for key in sorted(set(have) - wanted, key=str):
            out.append(f"{code}: no longer in the code: {key[1]!r}")
        for key in sorted(wanted & set(have), key=str):
            if not _translated(have[key]):
                out.append(f"{code}: not translated: {key[1]!r}")
        for err in _format_errors(catalog):
            out.append(f"{code}: {err}")
        if not mo_path(code).exists() or mo_path(code).read_bytes() != _mo_bytes(catalog):
            out.append(f"{mo_path(code).relative_to(ROOT)} is not compiled from its .po: run make translations")
    return out


def _format_errors(catalog: Catalog) -> list[str]:
    """A translation whose {placeholders} are not the English's would raise KeyError when shown."""
    import re

    names = re.compile(r"\{([^{}]*)\}")
    out = []
    for m in catalog:
        if not m.id or not m.string:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        want = set(names.findall(ids[-1])) | set(names.findall(ids[0]))
        for s in strings:
            if not set(names.findall(s)) <= want:
                out.append(f"{ids[0]!r}: the translation {s!r} has placeholders the English has not")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say what is out of date (exit 1 if anything)")
    args = parser.parse_args()
    if args.check:
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
