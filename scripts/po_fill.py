"""Fill empty translations in a .po file from a Python dict file, then compile the .mo.

Usage: python scripts/po_fill.py path/to/django.po translations.py
where translations.py defines ``T = {"English msgid": "中文", ...}``.
Untranslated entries left over are listed, so nothing is missed silently.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po


def main(po_path: str, mapping_path: str) -> int:
    mapping = runpy.run_path(mapping_path)["T"]
    po = Path(po_path)
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans")
    catalog.fuzzy = False
    catalog.project = "community-corrections-platform"
    catalog.language_team = "zh-Hans"
    catalog.last_translator = "Platform team"
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            if key in mapping:
                value = mapping[key]
                message.string = tuple(value) if isinstance(message.id, tuple) else value
            else:
                missing.append(key)
        message.flags.discard("fuzzy")
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    with po.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, catalog)
    for key in missing:
        print(f"untranslated: {key!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
