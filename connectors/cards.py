"""Card-data stripping: no card number or CVC leaves the connector boundary (PCI DSS)."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree.ElementTree import Element, tostring

import defusedxml.ElementTree as SafeET

from connectors.text import strip_controls

REDACTED = "[card removed]"

# Keys are compared after lower-casing and dropping "_", "-" and spaces.
CARD_FIELDS = frozenset(
    {
        "cvc",
        "cvc2",
        "cvv",
        "cvv2",
        "cid",
        "seriescode",
        "securitycode",
        "cardsecuritycode",
        "cardverificationvalue",
        "cardnumber",
        "creditcardnumber",
        "cardno",
        "pan",
    }
)

# Digit groups joined by single spaces, dashes or dots; group shapes are checked in code.
_RUN = re.compile(r"(?<![\d])\d+(?:[ .\-]\d+)*(?![\d])")
_SEP = re.compile(r"[ .\-]")
# key=value / "key": "value" pairs for the text fallback (form bodies, logs, broken JSON).
_TEXT_FIELD = re.compile(
    r"""(?ix)(["']?\b(?:cvc2?|cvv2?|series_?code|security_?code|card_?number)\b["']?\s*[:=]\s*)
    (?:"[^"]*"|'[^']*'|[\d .\-]+)"""
)


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name.split("}")[-1].split(":")[-1]).lower()


def is_card_field(name: str) -> bool:
    """True when a key, XML tag or attribute names card data (namespace prefixes ignored)."""
    return _key(name) in CARD_FIELDS


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _looks_like_card(digits: str) -> bool:
    # Payment cards start with 2-6 (MC 2-series, Amex/Diners/JCB 3, Visa 4, MC 5, Discover 6);
    # the prefix test halves the false positives on long reservation numbers.
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits)


def _card_shaped(groups: list[str]) -> bool:
    if len(groups) == 1:
        return True
    sizes = [len(g) for g in groups]
    # 4-4-4-4, 4-4-4-1..4-4-4-4-3 and the Amex/Diners 4-6-5 / 4-6-4 layouts; phone numbers
    # grouped 2-3-4 never fit, so they are never touched.
    if all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4:
        return True
    return sizes in ([4, 6, 5], [4, 6, 4])


# E.164 caps a phone number at 15 digits, country code included.
_MAX_PHONE_DIGITS = 15


def _scrub_run(run: str, after_plus: bool) -> str:
    groups = _SEP.split(run)
    seps = _SEP.findall(run)
    out: list[str] = []
    i = 0
    while i < len(groups):
        hit = 0
        # Longest span starting at group i that is one card, written with one separator.
        for j in range(len(groups), i, -1):
            span = groups[i:j]
            digits = "".join(span)
            # Digits right after a "+" start an international phone number: no card is written
            # with a leading "+", while a German or Brazilian mobile (+49 151…, +55 11 9…) is
            # 13 digits starting with 4 or 5 and passes Luhn one time in ten.
            if after_plus and i == 0 and len(digits) <= _MAX_PHONE_DIGITS:
                continue
            one_sep = len(set(seps[i : j - 1])) <= 1
            if one_sep and _card_shaped(span) and _looks_like_card(digits):
                hit = j
                break
        if hit:
            out.append(REDACTED)
            if hit < len(groups):
                out.append(seps[hit - 1])
            i = hit
        else:
            out.append(groups[i])
            if i < len(seps):
                out.append(seps[i])
            i += 1
    return "".join(out)


# Any 13 digits in a row, single separators allowed, not started right after a "+" (a phone
# number) unless longer than a phone number can be: every card `_scrub_run` removes holds one.
# Two patterns: one alternation would scan every text twice as slowly.
_CARD_SIZED_RUN = re.compile(r"(?<![\d+])\d(?:[ .\-]?\d){12}")
_OVERLONG_PHONE = re.compile(r"\+\d(?:[ .\-]?\d){15}")


def may_hold_card_number(text: str) -> bool:
    """False when `text` cannot hold a card number: the cheap test before a full scan."""
    if _CARD_SIZED_RUN.search(text) is not None:
        return True
    return "+" in text and _OVERLONG_PHONE.search(text) is not None


# A UUID's middle groups can read as a grouped card number (Mews ids are UUIDs); no card
# number is ever written as one, so UUIDs are left whole.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _scrub_match(m: re.Match[str]) -> str:
    start = m.start()
    return _scrub_run(m.group(0), start > 0 and m.string[start - 1] == "+")


def strip_card_numbers(text: str) -> str:
    """Replace every Luhn-valid 13-19 digit card number (any grouping) with a marker.

    Up to 15 digits right after a "+" are an international phone number, never a card.
    """
    # Most texts (names, dates, short ids) hold no 13 digits: one regex search settles them.
    return _strip_card_numbers(text) if may_hold_card_number(text) else text


def _strip_card_numbers(text: str) -> str:
    parts = _UUID.split(text)
    if len(parts) == 1:
        return _RUN.sub(_scrub_match, text)
    uuids = _UUID.findall(text)
    out = [_RUN.sub(_scrub_match, part) for part in parts]
    return "".join(x for pair in zip(out, [*uuids, ""], strict=True) for x in pair)


def scrub(value: Any) -> Any:
    """A copy of a JSON-like value with card fields dropped and card numbers redacted."""
    if isinstance(value, str):
        # A control character inside a number ("4111\x00 1111…") must not hide the card.
        return strip_card_numbers(strip_controls(value))
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if not is_card_field(str(k))}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def scrub_element(elem: Element) -> None:
    """Remove card elements and attributes from an XML tree, in place."""
    for name in [a for a in elem.attrib if is_card_field(a)]:
        del elem.attrib[name]
    for name, val in elem.attrib.items():
        elem.attrib[name] = strip_card_numbers(val)
    if elem.text:
        elem.text = strip_card_numbers(elem.text)
    if elem.tail:
        elem.tail = strip_card_numbers(elem.tail)
    for child in list(elem):
        if is_card_field(child.tag):
            tail = child.tail
            elem.remove(child)
            if tail and tail.strip():
                elem.text = (elem.text or "") + strip_card_numbers(tail)
        else:
            scrub_element(child)


def scrub_text(text: str) -> str:
    """Text fallback: blank card/CVC key-value pairs, then redact card numbers."""
    return strip_card_numbers(_TEXT_FIELD.sub(lambda m: m.group(1) + '""', strip_controls(text)))


def sanitise_raw(body: bytes) -> bytes:
    """Card-free copy of raw payload bytes for storage: JSON, JSON Lines, XML, else text."""
    text = body.decode("utf-8", errors="replace")
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head in "{[" and head:
        try:
            return json.dumps(scrub(json.loads(text)), ensure_ascii=False).encode()
        except ValueError:
            return _scrub_json_lines(text).encode()
    elif head == "<":
        try:
            root = SafeET.fromstring(body)
        except Exception:  # any parse failure (or a refused entity) falls back to text
            root = None
        if root is not None:
            scrub_element(root)
            return bytes(tostring(root, encoding="utf-8"))
    return scrub_text(text).encode()


def _scrub_json_lines(text: str) -> str:
    out = []
    for line in text.splitlines():
        if not line.strip():
            out.append(line)
            continue
        try:
            out.append(json.dumps(scrub(json.loads(line)), ensure_ascii=False))
        except ValueError:
            out.append(scrub_text(line))
    return "\n".join(out)
