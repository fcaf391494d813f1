"""libcoveocds (the engine of the OCDS Data Review Tool) over our packages, offline.

libcoveocds reads the standard through the extension registry's profile builder, which downloads
the standard's zip and every extension a package declares. Here its schema object reads the zip
kept in the project (config "standard_zip", a file:// URL) and takes the release schema patched
with our local description of the extension fields (disclosure.ocds.schema), so nothing is fetched.
"""

import functools
import json

import jsonref
from libcoveocds.common_checks import common_checks_ocds
from libcoveocds.config import LibCoveOCDSConfig
from libcoveocds.lib.api import context_api_transform
from libcoveocds.schema import SchemaOCDS

from . import schema


class LocalSchemaOCDS(SchemaOCDS):
    """SchemaOCDS of version 1.1 reading the project's copy of the standard, with the extensions'
    fields merged locally; the package's `extensions` list is not followed."""

    def __init__(self, *, record_pkg: bool = False):
        config = LibCoveOCDSConfig(
            {"context": "api", "standard_zip": schema.SCHEMA_ZIP.as_uri(), "schema_version": schema.VERSION}
        )
        super().__init__(schema.VERSION, None, config, record_pkg=record_pkg)

    @functools.lru_cache  # noqa: B019 - one object per kind of package, kept for the process
    def get_schema_obj(self, *, deref=False, proxies=False):
        release_schema = schema.release_schema()
        if deref:
            return jsonref.replace_refs(
                release_schema, loader=local_loader, **self._jsonref_kwarg(proxies=proxies)
            )
        return release_schema

    @functools.lru_cache  # noqa: B019
    def get_pkg_schema_obj(self, *, deref=False, use_extensions=True, proxies=False):  # noqa: ARG002
        """As libcoveocds builds it, but the references to the standard's other files (the record
        package's versioned release) are read from the zip."""
        package = self._get_schema(self.package_schema_name)
        if not deref:
            return package
        patched = self.get_schema_obj(deref=True, proxies=proxies)
        if self.package_schema_name == "record-package-schema.json":
            record = package["definitions"]["record"]["properties"]
            record["compiledRelease"] = patched
            record["releases"]["oneOf"][1]["items"] = patched
            return jsonref.replace_refs(package, loader=local_loader, **self._jsonref_kwarg(proxies=proxies))
        package["properties"]["releases"]["items"] = patched
        return package

    @functools.lru_cache  # noqa: B019
    def process_codelists(self):
        """The standard's codelists from the zip, and the closed codelists of the extensions' fields
        (their codes are the field's enum), so a wrong bid status is an error here too."""
        super().process_codelists()
        if getattr(self, "extended_codelists", None):
            self.extended_codelists.update(extension_codelists())


def extension_codelists() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            if "codelist" in node and isinstance(node.get("enum"), list):
                found[node["codelist"]] = {code for code in node["enum"] if code is not None}
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for patch in schema.extension_patches():
        walk(patch)
    return found


STANDARD_URL = f"https://standard.open-contracting.org/schema/{schema.STANDARD_TAG}/"


def local_loader(uri: str):
    """jsonref's loader for the standard's own files: from the project's zip, never the network."""
    for prefix in (STANDARD_URL, STANDARD_URL.replace("https:", "http:")):
        if uri.startswith(prefix):
            return json.loads(schema.standard_file(uri.removeprefix(prefix)))
    raise LookupError(f"OCDS validation reads the standard from its local copy only, not {uri}")


@functools.cache
def _schema_object(record_pkg: bool) -> LocalSchemaOCDS:
    return LocalSchemaOCDS(record_pkg=record_pkg)


def review(package: dict) -> dict:
    """libcoveocds' report on a release or record package (API form): `validation_errors` (schema),
    `additional_checks`, `additional_fields`, `additional_closed_codelist_values`, …"""
    record_pkg = "records" in package
    context = {"file_type": "json"}
    context_api_transform(common_checks_ocds(context, "", package, _schema_object(record_pkg), cache=False))
    return context


def errors(package: dict) -> list[dict]:
    """Everything libcoveocds calls an error: schema validation errors, values outside a closed
    codelist, and conformance errors (a malformed ocid prefix)."""
    context = review(package)
    found = list(context.get("validation_errors") or [])
    for path, details in (context.get("additional_closed_codelist_values") or {}).items():
        found.append({"type": "closed_codelist", "field": path, "description": str(details)})
    for key, value in (context.get("conformance_errors") or {}).items():
        found.append({"type": "conformance", "field": key, "description": str(value)})
    return found
