"""The OCDS 1.1.5 schema, read from the copy kept in the project (schema/standard-1__1__5-schema.zip),
never downloaded: libcoveocds, ocdsmerge and ocdskit would otherwise fetch the standard and the
extensions from the internet, which a deployment may not reach.

The releases use one extension, the bids extension. Its URL is declared in every package's
`extensions` (for the data's readers); for validation and merging, the fields we publish from it
are described in schema/bids-release-schema-patch.json, merged into the core release schema here
(a JSON merge patch, as the extension registry's profile builder applies one).
"""

import copy
import functools
import json
import zipfile
from pathlib import Path

import json_merge_patch

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMA_ZIP = SCHEMA_DIR / "standard-1__1__5-schema.zip"
STANDARD_TAG = "1__1__5"
VERSION = "1.1"

BIDS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
)
# Extension URL -> the local description of the fields we use from it.
EXTENSIONS = {BIDS_EXTENSION: "bids-release-schema-patch.json"}


@functools.cache
def _standard_files() -> dict[str, str]:
    """The schema folder of the standard's zip: {"release-schema.json": text, "codelists/…": text}."""
    files = {}
    with zipfile.ZipFile(SCHEMA_ZIP) as archive:
        for name in archive.namelist():
            _, _, rest = name.partition("/schema/")
            if rest and not name.endswith("/"):
                files[rest] = (
                    archive.read(name)
                    .decode("utf-8")
                    .replace("{{lang}}", "en")
                    .replace("{{version}}", VERSION)
                )
    return files


def standard_file(name: str) -> str:
    return _standard_files()[name]


def extension_patches() -> list[dict]:
    """The local descriptions of the extensions' fields (JSON merge patches of the release schema)."""
    return [json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")) for name in EXTENSIONS.values()]


@functools.cache
def _release_schema() -> dict:
    schema = json.loads(standard_file("release-schema.json"))
    for patch in extension_patches():
        schema = json_merge_patch.merge(schema, patch)
    return schema


def release_schema() -> dict:
    """The core release schema with the extensions' fields (a fresh copy: callers may change it)."""
    return copy.deepcopy(_release_schema())


def package_schema(name: str) -> dict:
    """release-package-schema.json or record-package-schema.json of the standard."""
    return json.loads(standard_file(name))


def extension_urls() -> list[str]:
    return list(EXTENSIONS)


@functools.cache
def merger():
    """ocdsmerge's merger with the patched schema's merge rules (reused: the rules are computed once)."""
    import ocdsmerge

    return ocdsmerge.Merger(schema=release_schema())


@functools.cache
def release_validator():
    """A JSON Schema (draft 4) validator of one release, formats checked: the publish-time check."""
    from jsonschema import Draft4Validator

    return Draft4Validator(release_schema(), format_checker=Draft4Validator.FORMAT_CHECKER)


def release_errors(release: dict) -> list[str]:
    """What is wrong with a release against the patched schema ("path: message"), none if valid."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(release)'}: {error.message}"
        for error in sorted(release_validator().iter_errors(release), key=lambda e: list(e.absolute_path))
    ]


def write_release_schema(path: Path) -> Path:
    """The patched release schema as a file (ocdskit compile --schema takes a path)."""
    path.write_text(json.dumps(_release_schema(), ensure_ascii=False), encoding="utf-8")
    return path
