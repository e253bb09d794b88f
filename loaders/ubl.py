"""UBL 2.1 e-invoices (SI-UBL 2.0 / NLCIUS, Peppol BIS Billing 3.0) -> invoice lines.

From each Invoice or CreditNote: the supplier's name, KvK (``cac:PartyLegalEntity/cbc:CompanyID``
with scheme 0106, or the endpoint / party identification in that scheme) or other legal id,
postcode and city, the issue date, ``TaxExclusiveAmount`` and the currency. A credit note (or an
Invoice with type code 381) subtracts. Files come from folders, zip archives or single paths.

Parsed with defusedxml: a DTD or entity declaration is refused (no entity expansion, no external
fetches). Zip archives are refused when a member's name escapes the archive (absolute path,
``..``), when they hold too many members, or when they unpack to too much or at too high a ratio
(limits in ``data/import.toml``). A malformed file, a non-euro amount or a missing amount is
reported with the file name; nothing is skipped in silence.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException
from pso_chain.loaders.import_settings import ImportSettings, load_import_settings
from pso_chain.loaders.invoices import empty_lines, lines_frame
from pso_chain.loaders.names import kvk_numbers

from pso_chain.errors import Problem, PsoInputError, coded

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}
ROOTS = {"Invoice": "invoice", "CreditNote": "credit"}
CREDIT_TYPE_CODES = {"381", "396", "532"}
AMOUNT_PATH = "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(node: Element | None, path: str) -> str:
    found = node.find(path, NS) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def _kvk_and_legal(party: Element, settings: ImportSettings) -> tuple[str, str]:
    """The KvK number (scheme 0106) and any other legal id (``scheme:value``)."""
    other = ""
    for path in ("cac:PartyLegalEntity/cbc:CompanyID", "cbc:EndpointID",
                 "cac:PartyIdentification/cbc:ID"):
        for node in party.findall(path, NS):
            scheme = (node.get("schemeID") or "").strip().upper()
            value = (node.text or "").strip()
            if not value:
                continue
            if scheme in settings.kvk_schemes:
                kvk, bad = kvk_numbers(pd.Series([value]), branch_suffix=True)
                if kvk[0]:
                    return kvk[0], other
                if bad[0] and not other:
                    other = f"{scheme}:{value}"
            elif path.endswith("CompanyID") and not other:
                other = f"{scheme or 'unknown scheme'}:{value}"
    return "", other


def parse_invoice(data: bytes, source: str, settings: ImportSettings) -> tuple[dict | None, list[Problem]]:
    """One UBL document as an invoice line (None and the problems when it cannot be used)."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        return None, [Problem(source, None, None, None,
                              f"refused: the XML declares a DTD or entities ({type(exc).__name__})")]
    except (ParseError, ValueError) as exc:
        return None, [Problem(source, None, None, None, f"not well-formed XML: {exc}")]
    kind = ROOTS.get(_local(root.tag))
    if kind is None:
        return None, [Problem(source, None, _local(root.tag), None,
                              "not_ubl")]
    problems: list[Problem] = []
    if kind == "invoice" and _text(root, "cbc:InvoiceTypeCode") in CREDIT_TYPE_CODES:
        kind = "credit"
    party = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    if party is None:
        return None, [Problem(source, None, "cac:AccountingSupplierParty", None, "ubl_no_supplier_party")]
    name = _text(party, "cac:PartyName/cbc:Name") or _text(party, "cac:PartyLegalEntity/cbc:RegistrationName")
    kvk, legal = _kvk_and_legal(party, settings)
    if not name and not kvk:
        problems.append(Problem(source, None, "cac:AccountingSupplierParty", None,
                                "ubl_supplier_unnamed"))
    amount_node = root.find(AMOUNT_PATH, NS)
    amount = np.nan
    if amount_node is None or not (amount_node.text or "").strip():
        problems.append(Problem(source, None, AMOUNT_PATH, None, "ubl_amount_missing"))
    else:
        try:
            amount = float(amount_node.text.strip())
        except ValueError:
            problems.append(Problem(source, None, AMOUNT_PATH, amount_node.text, "not_a_number"))
        currencies = {(amount_node.get("currencyID") or "").upper(),
                      _text(root, "cbc:DocumentCurrencyCode").upper()}
        for cur in sorted(currencies):
            if cur and cur != settings.currency:
                problems.append(Problem(source, None, "cbc:DocumentCurrencyCode", cur,
                                        coded("ubl_currency", currency=settings.currency)))
    issued = _text(root, "cbc:IssueDate")
    day = pd.to_datetime(issued, format="%Y-%m-%d", errors="coerce") if issued else pd.NaT
    if pd.isna(day):
        problems.append(Problem(source, None, "cbc:IssueDate", issued or None,
                                "ubl_issue_date"))
    if problems:
        return None, problems
    return {
        "supplier_name": name, "supplier_kvk": kvk, "supplier_legal_id": legal,
        "postcode": _text(party, "cac:PostalAddress/cbc:PostalZone"),
        "place": _text(party, "cac:PostalAddress/cbc:CityName"), "date": day, "year": day.year,
        "amount_eur": -amount if kind == "credit" else amount,
        "invoice_id": _text(root, "cbc:ID"),
        "credit_ref": _text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
        "source": source, "row": None,
    }, []


def _zip_members(path: Path, settings: ImportSettings) -> Iterator[tuple[str, bytes]]:
    """The XML members of a zip archive, after the safety checks on the whole archive."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PsoInputError(Problem(str(path), None, None, None,
                                    f"not a readable zip archive: {exc}")) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > settings.zip_max_members:
            raise PsoInputError(Problem(str(path), None, None, len(infos),
                                        f"refused: more than {settings.zip_max_members} members"))
        for info in infos:
            pure = PurePosixPath(info.filename.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
                raise PsoInputError(Problem(str(path), None, info.filename, None,
                                            "refused: member name points outside the archive"))
            if info.compress_size and info.file_size / info.compress_size > settings.zip_max_ratio \
                    and info.file_size > 1_000_000:
                raise PsoInputError(Problem(str(path), None, info.filename, None,
                                            "refused: compression ratio of a zip bomb"))
        if sum(i.file_size for i in infos) > settings.zip_max_unpacked:
            raise PsoInputError(Problem(str(path), None, None, None,
                                        f"refused: unpacks to more than {settings.zip_max_unpacked:,} bytes"))
        for info in sorted(infos, key=lambda i: i.filename):
            with archive.open(info) as member:  # read at most the limit: headers may lie
                data = member.read(settings.max_file_bytes + 1)
            yield info.filename, data


def _documents(paths: list[str | Path], settings: ImportSettings, notes: list[str]
               ) -> Iterator[tuple[str, bytes | None]]:
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            for f in files:
                if f.suffix.lower() == ".xml":
                    yield str(f), f.read_bytes()[: settings.max_file_bytes + 1]
                elif f.suffix.lower() == ".zip":
                    yield from _documents([f], settings, notes)
                else:
                    notes.append(coded("ubl_not_xml", file=f))
        elif path.is_file() and path.suffix.lower() == ".zip":
            for name, data in _zip_members(path, settings):
                source = f"{path}:{name}"
                if name.lower().endswith(".xml"):
                    yield source, data
                else:
                    notes.append(coded("ubl_not_xml", file=source))
        elif path.is_file():
            yield str(path), path.read_bytes()[: settings.max_file_bytes + 1]
        else:
            yield str(path), None


def read_ubl(paths: list[str | Path], settings: ImportSettings | None = None
             ) -> tuple[pd.DataFrame, list[str]]:
    """Invoice lines from UBL files, folders and zip archives, and notes on what was read.

    Raises :class:`PsoInputError` listing every file that cannot be used, with the element and
    the reason.
    """
    settings = settings or load_import_settings()
    notes: list[str] = []
    rows: list[dict] = []
    problems: list[Problem] = []
    for source, data in _documents(paths, settings, notes):
        if data is None:
            problems.append(Problem(source, None, None, None, "path_not_found"))
            continue
        if len(data) > settings.max_file_bytes:
            problems.append(Problem(source, None, None, None,
                                    f"refused: larger than {settings.max_file_bytes:,} bytes"))
            continue
        row, found = parse_invoice(data, source, settings)
        problems.extend(found)
        if row is not None:
            rows.append(row)
    if problems:
        raise PsoInputError(problems)
    if not rows:
        return empty_lines(), notes + ["ubl_none"]
    lines = lines_frame({c: [r[c] for r in rows] for c in rows[0]})
    credits = int((lines["amount_eur"] < 0).sum())
    notes.append(coded("ubl_read", n=len(lines), credits=credits))
    return lines, notes
